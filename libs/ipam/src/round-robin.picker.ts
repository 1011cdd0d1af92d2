import { isAllocationIn } from './address.rules';
import { IpamExhaustedError } from './errors';
import { Ipv4Subnet, addressToNumber, addressesIn, numberToAddress } from './ipv4.subnet';
import { Lease } from './lease';
import { AddressSpan, LeaseStore } from './lease.store';

const FIRST_SPAN = 64;
const MAX_SPAN = 65536;

/**
 * Reserves the next free address of a subnet after the store's round-robin cursor. Reads of held
 * addresses are only hints to skip them cheaply; `reserve` alone decides who gets an address, so
 * pickers in other processes or on other hosts may race freely.
 */
export class RoundRobinPicker {
  // Addresses this process is reserving right now: concurrent allocations skip them rather than
  // all racing for the same next address.
  private readonly inFlight = new Set<string>();

  constructor(private readonly store: LeaseStore) {}

  /** `makeLease(address)` builds the lease to reserve; throws `IpamExhaustedError` if none is free. */
  async reserveNext(subnet: Ipv4Subnet, makeLease: (address: string) => Lease): Promise<Lease> {
    const cursor = await this.store.lastReserved(subnet.cidr);
    for (const span of subnet.spansAfter(cursor, FIRST_SPAN, MAX_SPAN)) {
      const lease = await this.reserveIn(span, makeLease);
      if (lease) return lease;
    }
    throw new IpamExhaustedError(subnet.cidr);
  }

  // After a lost race the snapshot is stale (others are allocating here too): re-read the rest of
  // the span rather than try, one failed reservation at a time, what they have taken meanwhile.
  private async reserveIn(span: AddressSpan, makeLease: (address: string) => Lease): Promise<Lease | undefined> {
    const held = new Set((await this.store.list(span)).map((lease) => lease.address));
    for (const address of addressesIn(span)) {
      if (held.has(address) || this.inFlight.has(address)) continue;
      const lease = await this.tryReserve(makeLease(address));
      if (lease) return lease;
      if (address === span.last) return undefined;
      return this.reserveIn({ first: nextAddress(address), last: span.last }, makeLease);
    }
    return undefined;
  }

  private async tryReserve(lease: Lease): Promise<Lease | undefined> {
    this.inFlight.add(lease.address);
    try {
      const result = await this.store.reserve(lease, true);
      if (result.reserved) return result.lease;
      const sameAllocation = isAllocationIn(result.holder, lease.subnet) && result.holder.owner === lease.owner;
      return sameAllocation ? result.holder : undefined;
    } finally {
      this.inFlight.delete(lease.address);
    }
  }
}

function nextAddress(address: string): string {
  return numberToAddress((addressToNumber(address) as number) + 1);
}
