import { isDeepStrictEqual } from 'node:util';
import { DOCKER_SOCKET_URL } from './http.client';

export interface Comparison<T> {
  proxied: T;
  direct: T;
}

/**
 * Asks dockerd directly, then through the proxy, then directly again, and answers the proxied and
 * the direct answer once the two direct answers agree (so nothing changed in between: another
 * process on this machine may be creating containers). Up to `tries` rounds; after that the last
 * round is answered as it is and the caller's assertion reports the difference.
 */
export async function compareWithDirect<T>(
  proxyUrl: string,
  get: (host: string) => Promise<T>,
  tries = 5,
): Promise<Comparison<T>> {
  let result: Comparison<T> | undefined;
  for (let i = 0; i < tries; i++) {
    const before = await get(DOCKER_SOCKET_URL);
    const proxied = await get(proxyUrl);
    const after = await get(DOCKER_SOCKET_URL);
    result = { proxied, direct: after };
    if (isDeepStrictEqual(before, after)) return result;
  }
  return result!;
}

/** A copy of `obj` without `keys` (fields that legitimately differ between two calls). */
export function without<T extends Record<string, unknown>>(obj: T, keys: string[]): Partial<T> {
  const copy: Record<string, unknown> = { ...obj };
  for (const k of keys) delete copy[k];
  return copy as Partial<T>;
}
