/**
 * Why a text is not an IPv4 address or CIDR, for callers that word their own message:
 * - `syntax`: not even digits and dots (`foo`, `fe80::1/64`, `0x0a.1.1.1/24`, empty);
 * - `missing-prefix`: a dotted address without `/PREFIX` where a CIDR was expected;
 * - `address`: digits and dots, but not a canonical dotted quad (`1.2.3`, `010.1.1.1`, `1.2.3.256`);
 * - `prefix`: the prefix length is not a number 0-32 without leading zeros (`/33`, `/024`, `/`);
 * - `host-bits`: a network was expected and the address has host bits set (`10.0.0.1/8`).
 */
export type Ipv4ErrorKind = 'syntax' | 'missing-prefix' | 'address' | 'prefix' | 'host-bits';

/**
 * A text that is not the IPv4 value asked for. A plain Error, not a DomainError: the caller knows
 * which input it was (a flag, WEAVE_CIDR, an IPAM request) and wraps it with its own code.
 */
export class Ipv4FormatError extends Error {
  constructor(
    readonly kind: Ipv4ErrorKind,
    /** The whole text that was refused. */
    readonly text: string,
    message: string,
    /** For `host-bits`: the network the text probably meant, as `a.b.c.d/p`. */
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = 'Ipv4FormatError';
  }
}
