import { formatIpEndpoint, IpEndpoint, IpEndpointError, parseIpEndpoint } from '@app/common';
import { DnsAddressError } from './dns.errors';

/** Where a DNS server listens or answers. */
export type DnsEndpoint = IpEndpoint;

export const DNS_PORT = 53;

/**
 * Parses `ADDR[:PORT]` as the flags take it: `172.17.0.1`, `127.0.0.1:5353`, `::1`, `[::1]:5353`
 * (the config loader does this for the flags; this is for resolv.conf servers). Only literal IP
 * addresses (a resolver cannot be found by name). Throws DnsAddressError.
 */
export function parseDnsEndpoint(text: string, defaultPort = DNS_PORT): DnsEndpoint {
  try {
    return parseIpEndpoint(text, defaultPort);
  } catch (err) {
    if (!(err instanceof IpEndpointError)) throw err;
    throw new DnsAddressError(`invalid DNS address "${text}": want ADDR[:PORT] with an IP address`);
  }
}

export const formatDnsEndpoint = formatIpEndpoint;
