import { ERRORS, InvalidInputError, Ipv4Address, Ipv4Cidr, Ipv4FormatError } from '@app/common';
import { AddressSpan } from './lease.store';

/** Parses a strict dotted quad (no `10.1`, no octal) to its 32-bit value; undefined if it is not one. */
export function addressToNumber(address: string): number | undefined {
  return Ipv4Address.tryParse(address)?.value;
}

export function numberToAddress(value: number): string {
  return Ipv4Address.fromNumber(value).toString();
}

/**
 * An IPv4 subnet in canonical network form, for allocation: the common Ipv4Cidr plus host
 * addresses, which exclude the network and broadcast addresses, so only prefixes up to /30 have
 * any (a /31 or /32 cannot be allocated from). Addresses are 32-bit numbers here.
 */
export class Ipv4Subnet {
  /** 32-bit value of the network address. */
  readonly network: number;
  readonly cidr: string;
  readonly prefixLength: number;

  private constructor(private readonly value: Ipv4Cidr) {
    this.network = value.network.value;
    this.cidr = value.toString();
    this.prefixLength = value.prefixLength;
  }

  /**
   * Parses `10.2.0.0/24` (Ipv4Cidr.parseNetwork); rejects malformed text and non-canonical forms
   * such as `10.2.0.5/24` with InvalidInputError `WPX_IPAM_INVALID_SUBNET`.
   */
  static parse(cidr: string): Ipv4Subnet {
    try {
      return new Ipv4Subnet(Ipv4Cidr.parseNetwork(cidr));
    } catch (err) {
      if (!(err instanceof Ipv4FormatError)) throw err;
      const reason =
        err.kind === 'host-bits'
          ? `not a network address, did you mean ${err.suggestion}?`
          : 'expected an IPv4 CIDR such as 10.2.0.0/24';
      throw new InvalidInputError(ERRORS.WPX_IPAM_INVALID_SUBNET, `invalid subnet ${cidr}: ${reason}`);
    }
  }

  /** The subnet of the given prefix length that contains `address` (a 32-bit value). */
  static containing(address: number, prefixLength: number): Ipv4Subnet {
    return new Ipv4Subnet(Ipv4Cidr.containing(Ipv4Address.fromNumber(address), prefixLength));
  }

  get size(): number {
    return this.value.size;
  }

  get broadcast(): number {
    return this.value.broadcast.value;
  }

  /** Number of addresses that can be handed out: all but network and broadcast. */
  get hostCount(): number {
    return this.prefixLength <= 30 ? this.size - 2 : 0;
  }

  contains(address: number): boolean {
    return Number.isInteger(address) && address >= 0 && address < 2 ** 32 && this.value.contains(Ipv4Address.fromNumber(address));
  }

  covers(other: Ipv4Subnet): boolean {
    return this.value.contains(other.value);
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
