import { DomainError, ERRORS } from '@app/common';

/** `--dns-listen` or `--dns-upstream` is not `ADDR[:PORT]`. */
export class DnsAddressError extends DomainError {
  constructor(message: string) {
    super(ERRORS.WPX_DNS_BAD_ADDRESS, message);
  }
}

/** No `--dns-listen` and dockerd's default bridge has no IPv4 gateway to listen on. */
export class DnsBridgeAddressError extends DomainError {
  constructor(message: string) {
    super(ERRORS.WPX_DNS_NO_BRIDGE_ADDRESS, message);
  }
}

/** The DNS server could not bind its UDP or TCP socket (port 53 taken, address not on this host). */
export class DnsListenError extends DomainError {
  constructor(message: string) {
    super(ERRORS.WPX_DNS_LISTEN, message);
  }
}

/** One upstream resolver did not answer in time, or answered something unusable. */
export class UpstreamFailedError extends DomainError {
  constructor(message: string) {
    super(ERRORS.WPX_DNS_UPSTREAM_FAILED, message);
  }
}
