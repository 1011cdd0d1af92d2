import { DomainError } from '@app/common';

/** `--dns-listen` or `--dns-upstream` is not `ADDR[:PORT]`. */
export class DnsAddressError extends DomainError {
  readonly code = 'WPX_DNS_BAD_ADDRESS';
  override readonly status = 400;
  override readonly terminal = true;
}

/** No `--dns-listen` and dockerd's default bridge has no IPv4 gateway to listen on. */
export class DnsBridgeAddressError extends DomainError {
  readonly code = 'WPX_DNS_NO_BRIDGE_ADDRESS';
  override readonly terminal = true;
}

/** The DNS server could not bind its UDP or TCP socket (port 53 taken, address not on this host). */
export class DnsListenError extends DomainError {
  readonly code = 'WPX_DNS_LISTEN';
  override readonly terminal = true;
}

/** One upstream resolver did not answer in time, or answered something unusable. */
export class UpstreamFailedError extends DomainError {
  readonly code = 'WPX_DNS_UPSTREAM_FAILED';
}
