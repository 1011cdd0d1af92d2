import ipaddr from 'ipaddr.js';
import { Ipv4FormatError } from './ipv4.error';

const MAX = 2 ** 32 - 1;
const DIGITS_AND_DOTS = /^[0-9.]+$/;

/**
 * An IPv4 address as an immutable value: its unsigned 32-bit number. The only text form read or
 * written is the canonical dotted quad (`10.2.1.1`): no short forms (`10.1`), no leading zeros
 * (`010.1.1.1`, which ipaddr.js alone would read as octal), no hex, no IPv6.
 */
export class Ipv4Address {
  private constructor(
    /** 0 … 2^32-1. */
    readonly value: number,
  ) {}

  /** Parses a canonical dotted quad. Throws Ipv4FormatError (`syntax` or `address`). */
  static parse(text: string): Ipv4Address {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
      const [a, b, c, d] = ipaddr.IPv4.parse(text).toByteArray();
      return new Ipv4Address(a * 2 ** 24 + (b << 16) + (c << 8) + d);
    }
    const kind = DIGITS_AND_DOTS.test(text) ? 'address' : 'syntax';
    throw new Ipv4FormatError(kind, text, `"${text}" is not a canonical IPv4 address`);
  }

  /** Like `parse`, but undefined instead of an error. */
  static tryParse(text: string): Ipv4Address | undefined {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? Ipv4Address.parse(text) : undefined;
  }

  /** Throws RangeError unless `value` is an integer 0 … 2^32-1. */
  static fromNumber(value: number): Ipv4Address {
    if (!Number.isInteger(value) || value < 0 || value > MAX) {
      throw new RangeError(`${value} is not a 32-bit IPv4 address value`);
    }
    return new Ipv4Address(value);
  }

  /** The address `n` further on (n may be negative). Throws RangeError past either end. */
  plus(n: number): Ipv4Address {
    return Ipv4Address.fromNumber(this.value + n);
  }

  equals(other: Ipv4Address): boolean {
    return this.value === other.value;
  }

  toString(): string {
    const v = this.value;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
}
