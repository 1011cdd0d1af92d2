import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '../logging/logger';
import { PassThroughProxy } from './pass-through.proxy';

export interface EndpointContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The capture groups of the route's pattern, decoded (e.g. the container id). */
  params: string[];
  query: URLSearchParams;
  proxy: PassThroughProxy;
  log: Logger;
}

/**
 * A Docker endpoint the proxy handles itself (create, start, exec, inspect), one file each in
 * `endpoints/`. Every request that matches no handled endpoint is passed through untouched.
 */
export interface HandledEndpoint {
  /** The route class in metrics (bounded). */
  readonly name: string;
  readonly method: string;
  /** Matched against the path without the optional `/v1.NN` prefix and without the query. */
  readonly path: RegExp;
  handle(ctx: EndpointContext): Promise<void>;
}

export const HANDLED_ENDPOINTS = Symbol('HANDLED_ENDPOINTS');

const VERSION_PREFIX = /^\/v[0-9.]+(?=\/)/;

export interface RouteMatch {
  endpoint: HandledEndpoint;
  params: string[];
  query: URLSearchParams;
}

/**
 * Finds the handled endpoint for a request. Ids are matched on the raw path segment and then decoded
 * once, so `%2F` inside an id stays inside the id rather than becoming a separator.
 */
export class RouteTable {
  constructor(private readonly endpoints: HandledEndpoint[]) {}

  match(method: string | undefined, url: string | undefined): RouteMatch | undefined {
    if (!url) return undefined;
    const q = url.indexOf('?');
    const path = (q < 0 ? url : url.slice(0, q)).replace(VERSION_PREFIX, '');
    for (const endpoint of this.endpoints) {
      if (endpoint.method !== method) continue;
      const m = endpoint.path.exec(path);
      if (!m) continue;
      const params = m.slice(1).map(safeDecode);
      // Not an id dockerd could hold: pass it through raw and let dockerd answer for itself.
      if (params.some((p) => p === undefined)) return undefined;
      return { endpoint, params: params as string[], query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
    }
    return undefined;
  }
}

/**
 * One raw path segment decoded once, or undefined when it is not a possible container or exec id:
 * malformed escapes, `/` (from `%2F`), `.`/`..` (from `%2e`), NUL. Such a request is never
 * handled, so the proxy makes no call of its own with it; the pass-through forwards the
 * client's raw path unchanged.
 */
export function safeDecode(s: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    return undefined;
  }
  if (decoded === '' || decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return undefined;
  return decoded;
}
