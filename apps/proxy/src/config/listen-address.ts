import { ERRORS, InvalidInputError, Ipv4Address, Ipv4Cidr } from '@app/common';

export type ListenAddress =
  | { kind: 'tcp'; url: string; host: string; port: number }
  | { kind: 'unix'; url: string; path: string };

/**
 * Parses one `-L` URL: `tcp://host:port` (host may be empty or `[v6]`, port 0-65535) or
 * `unix:///absolute/path`. The config loader checks every `-L` with this at start, so the listener
 * only meets valid ones. Throws InvalidInputError `WPX_BAD_LISTEN`.
 */
export function parseListenAddress(url: string): ListenAddress {
  if (/^unix:\/\/\/./.test(url)) return { kind: 'unix', url, path: url.slice('unix://'.length) };
  const m = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/\s]*):(\d{1,5})$/.exec(url);
  if (!m || Number(m[2]) > 65535) {
    throw new InvalidInputError(ERRORS.WPX_BAD_LISTEN, `listen address "${url}": expected tcp://host:port or unix:///path`);
  }
  return { kind: 'tcp', url, host: m[1].replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
}

const LOOPBACK_V4 = Ipv4Cidr.parseNetwork('127.0.0.0/8');

/** Whether only this host can reach the address: a unix socket, 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(addr: ListenAddress): boolean {
  return addr.kind === 'unix' || isLoopbackHost(addr.host);
}

/**
 * Whether a listen host is this machine's loopback: 127.0.0.0/8, `::1` in any spelling, or the name
 * `localhost`. Any other name counts as not loopback (it is not resolved at config load: a name may
 * resolve differently later, so a refusal errs on the safe side).
 */
export function isLoopbackHost(host: string): boolean {
  const v4 = Ipv4Address.tryParse(host);
  if (v4) return LOOPBACK_V4.contains(v4);
  return host === 'localhost' || (host.includes(':') && canonicalV6(host) === '::1');
}

// `0:0:0:0:0:0:0:1` → `::1`, as the WHATWG URL parser writes IPv6; undefined when not IPv6.
function canonicalV6(host: string): string | undefined {
  try {
    return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** Every address of the host: `0.0.0.0`, `::` (and an empty host, which parseListenAddress reads as 0.0.0.0). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}
