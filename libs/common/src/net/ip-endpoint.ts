import { isIP } from 'node:net';

/** A literal IP address (IPv4 or IPv6, no brackets) and a port 1-65535. */
export interface IpEndpoint {
  readonly host: string;
  readonly port: number;
}

/** `text` is not `ADDR[:PORT]` with a literal IP address and a port 1-65535. */
export class IpEndpointError extends Error {
  constructor(readonly text: string) {
    super(`"${text}" is not ADDR[:PORT] with an IP address (e.g. 10.0.0.2, 127.0.0.1:5353, [::1]:53)`);
    this.name = 'IpEndpointError';
  }
}

/**
 * Parses `ADDR[:PORT]`: `172.17.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`; the port defaults to
 * `defaultPort`. Only literal IP addresses (node's isIP), never names. Throws IpEndpointError.
 */
export function parseIpEndpoint(text: string, defaultPort: number): IpEndpoint {
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
  if (isIP(host) === 0 || !Number.isInteger(n) || n < 1 || n > 65535) throw new IpEndpointError(text);
  return { host, port: n };
}

/** `10.0.0.1:53`, `[::1]:53`. */
export function formatIpEndpoint(e: IpEndpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
