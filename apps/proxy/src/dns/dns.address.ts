import { isIP } from 'node:net';
import { DnsAddressError } from './dns.errors';

/** Where a DNS server listens or answers. */
export interface DnsEndpoint {
  host: string;
  port: number;
}

export const DNS_PORT = 53;

/**
 * Parses `ADDR[:PORT]` as the flags take it: `172.17.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`.
 * Only literal IP addresses (a resolver cannot be found by name). Throws DnsAddressError.
 */
export function parseDnsEndpoint(text: string, defaultPort = DNS_PORT): DnsEndpoint {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const v4 = /^([^:]+)(?::(\d+))?$/.exec(text);
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : isIP(text) === 6
      ? [text, undefined]
      : v4
        ? [v4[1], v4[2]]
        : [text, undefined];
  const n = port === undefined ? defaultPort : Number(port);
  if (isIP(host) === 0 || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new DnsAddressError(`invalid DNS address "${text}": want ADDR[:PORT] with an IP address`);
  }
  return { host, port: n };
}

export function formatDnsEndpoint(e: DnsEndpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
