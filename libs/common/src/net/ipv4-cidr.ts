import { Ipv4Address } from './ipv4-address';
import { Ipv4FormatError } from './ipv4.error';

const PREFIX = /^(?:0|[1-9][0-9]?)$/;
const DIGITS_AND_DOTS = /^[0-9.]+$/;

/**
 * An IPv4 address with a prefix length (`10.2.1.1/24`), as an immutable value. It is both "an
 * interface address in its subnet" and, when `isNetwork`, "a subnet". Text is canonical only:
 * a canonical dotted quad, `/`, a prefix 0-32 without leading zeros.
 */
export class Ipv4Cidr {
  private constructor(
    readonly address: Ipv4Address,
    /** 0 … 32. */
    readonly prefixLength: number,
  ) {}

  /**
   * Lenient: host bits may be set (`10.2.1.1/24`, an interface address). Throws Ipv4FormatError
   * (`syntax`, `missing-prefix`, `address` or `prefix`; see Ipv4ErrorKind).
   */
  static parse(text: string): Ipv4Cidr {
    const slash = text.indexOf('/');
    if (slash < 0) {
      if (!DIGITS_AND_DOTS.test(text)) throw new Ipv4FormatError('syntax', text, `"${text}" is not an IPv4 CIDR such as 10.2.0.0/24`);
      throw new Ipv4FormatError('missing-prefix', text, `"${text}" needs a prefix length, e.g. /24`);
    }
    const address = addressPart(text, text.slice(0, slash));
    const prefix = text.slice(slash + 1);
    if (!PREFIX.test(prefix) || Number(prefix) > 32) {
      throw new Ipv4FormatError('prefix', text, `the prefix length of "${text}" must be a number from 0 to 32`);
    }
    return new Ipv4Cidr(address, Number(prefix));
  }

  /** Strict: also refuses host bits (`10.0.0.1/8`, kind `host-bits`, suggesting `10.0.0.0/8`). */
  static parseNetwork(text: string): Ipv4Cidr {
    const cidr = Ipv4Cidr.parse(text);
    if (cidr.isNetwork) return cidr;
    const network = cidr.toNetwork().toString();
    throw new Ipv4FormatError('host-bits', text, `"${text}" is not a network address, did you mean ${network}?`, network);
  }

  /** Throws RangeError unless `prefixLength` is an integer 0 … 32. */
  static of(address: Ipv4Address, prefixLength: number): Ipv4Cidr {
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
      throw new RangeError(`${prefixLength} is not an IPv4 prefix length`);
    }
    return new Ipv4Cidr(address, prefixLength);
  }

  /** The subnet of `prefixLength` that contains `address`. */
  static containing(address: Ipv4Address, prefixLength: number): Ipv4Cidr {
    return Ipv4Cidr.of(address, prefixLength).toNetwork();
  }

  /** Number of addresses, network and broadcast included: 2^(32-prefix). */
  get size(): number {
    return 2 ** (32 - this.prefixLength);
  }

  get network(): Ipv4Address {
    return Ipv4Address.fromNumber(this.address.value - (this.address.value % this.size));
  }

  get broadcast(): Ipv4Address {
    return this.network.plus(this.size - 1);
  }

  /** Whether the address is the network address (no host bits). */
  get isNetwork(): boolean {
    return this.address.equals(this.network);
  }

  toNetwork(): Ipv4Cidr {
    return this.isNetwork ? this : new Ipv4Cidr(this.network, this.prefixLength);
  }

  /** Whether the address, or every address of the other CIDR's subnet, lies in this subnet. */
  contains(other: Ipv4Address | Ipv4Cidr): boolean {
    const [first, last] = other instanceof Ipv4Cidr ? [other.network, other.broadcast] : [other, other];
    return first.value >= this.network.value && last.value <= this.broadcast.value;
  }

  /** The `index`-th address of the subnet (0 is the network address). Throws RangeError outside. */
  nth(index: number): Ipv4Address {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`${index} is outside ${this.toNetwork().toString()}`);
    }
    return this.network.plus(index);
  }

  equals(other: Ipv4Cidr): boolean {
    return this.prefixLength === other.prefixLength && this.address.equals(other.address);
  }

  /** `a.b.c.d/p`, the address as given (not its network). */
  toString(): string {
    return `${this.address.toString()}/${this.prefixLength}`;
  }
}

function addressPart(text: string, address: string): Ipv4Address {
  try {
    return Ipv4Address.parse(address);
  } catch (err) {
    const kind = (err as Ipv4FormatError).kind;
    throw new Ipv4FormatError(kind, text, kind === 'syntax' ? `"${text}" is not an IPv4 CIDR such as 10.2.0.0/24` : (err as Error).message);
  }
}
