import ipaddr from 'ipaddr.js';
import { ERRORS, InvalidInputError } from '@app/common';
import { AddressSpan } from './lease.store';

/** Parses a strict dotted quad (no `10.1`, no octal) to its 32-bit value; undefined if it is not one. */
export function addressToNumber(address: string): number | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  const [a, b, c, d] = ipaddr.IPv4.parse(address).toByteArray();
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function numberToAddress(value: number): string {
  const bytes = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * An IPv4 subnet in canonical network form. Host addresses exclude the network and broadcast
 * addresses, so only prefixes up to /30 have any (a /31 or /32 cannot be allocated from).
 */
export class Ipv4Subnet {
  /** 32-bit value of the network address. */
  readonly network: number;
  readonly cidr: string;

  private constructor(
    network: number,
    readonly prefixLength: number,
  ) {
    this.network = network;
    this.cidr = `${numberToAddress(network)}/${prefixLength}`;
  }

  /** Parses `10.2.0.0/24`; rejects malformed text and non-canonical forms such as `10.2.0.5/24`. */
  static parse(cidr: string): Ipv4Subnet {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) {
      throw new InvalidInputError(
        ERRORS.WPX_IPAM_INVALID_SUBNET,
        `invalid subnet ${cidr}: expected an IPv4 CIDR such as 10.2.0.0/24`,
      );
    }
    const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
    const value = addressToNumber(address.toString()) as number;
    const subnet = Ipv4Subnet.containing(value, prefixLength);
    if (subnet.network !== value) {
      throw new InvalidInputError(
        ERRORS.WPX_IPAM_INVALID_SUBNET,
        `invalid subnet ${cidr}: not a network address, did you mean ${subnet.cidr}?`,
      );
    }
    return subnet;
  }

  /** The subnet of the given prefix length that contains `address` (a 32-bit value). */
  static containing(address: number, prefixLength: number): Ipv4Subnet {
    const size = 2 ** (32 - prefixLength);
    return new Ipv4Subnet(address - (address % size), prefixLength);
  }

  get size(): number {
    return 2 ** (32 - this.prefixLength);
  }

  get broadcast(): number {
    return this.network + this.size - 1;
  }

  /** Number of addresses that can be handed out: all but network and broadcast. */
  get hostCount(): number {
    return this.prefixLength <= 30 ? this.size - 2 : 0;
  }

  contains(address: number): boolean {
    return address >= this.network && address <= this.broadcast;
  }

  covers(other: Ipv4Subnet): boolean {
    return this.contains(other.network) && this.contains(other.broadcast);
  }

  isNetworkOrBroadcast(address: number): boolean {
    return this.prefixLength <= 30 && (address === this.network || address === this.broadcast);
  }

  /** The span of host addresses; only meaningful when `hostCount > 0`. */
  hostSpan(): AddressSpan {
    return { first: numberToAddress(this.network + 1), last: numberToAddress(this.broadcast - 1) };
  }

  /**
   * Spans covering every host address exactly once, starting just after `cursor` and wrapping
   * around, so round-robin allocation does not hand a just-freed address straight back. Spans
   * double from `firstSize` up to `maxSize` addresses: the next free address is usually close to the
   * cursor, while a full scan of a large, nearly full range still takes few store reads.
   */
  *spansAfter(cursor: string | undefined, firstSize: number, maxSize: number): Generator<AddressSpan> {
    const count = this.hostCount;
    const first = this.network + 1;
    const at = cursor === undefined ? undefined : addressToNumber(cursor);
    let index = at !== undefined && at >= first && at < first + count ? (at - first + 1) % count : 0;
    let size = firstSize;
    for (let remaining = count; remaining > 0; size = Math.min(size * 2, maxSize)) {
      const length = Math.min(size, remaining, count - index);
      yield { first: numberToAddress(first + index), last: numberToAddress(first + index + length - 1) };
      index = (index + length) % count;
      remaining -= length;
    }
  }
}

/** The addresses of `span`, in order. */
export function* addressesIn(span: AddressSpan): Generator<string> {
  const last = addressToNumber(span.last) as number;
  for (let at = addressToNumber(span.first) as number; at <= last; at++) yield numberToAddress(at);
}
