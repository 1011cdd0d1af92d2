import { formatCidr } from '../cidr/weave-cidr.parser';
import { AddressInUseError } from './attach.errors';

interface Holder {
  owner: string;
  name?: string;
}

// Each round lost to another live claimant ends the attempt: it is a conflict.
const MAX_TAKEOVERS = 3;

/**
 * Which owner holds which explicitly claimed address, in this process only: the conflict rule of
 * the IPAM store (one owner per address, a stale holder is taken over) for builds without IPAM and
 * for tests. Atomic within the process: the map is changed only synchronously after each check.
 */
export class ClaimRegistry {
  private readonly holders = new Map<string, Holder>();

  /**
   * Records `owner` as the holder of `address`. Another holder is asked about through `stale`
   * (true: it no longer runs, the address is taken over); otherwise `AddressInUseError` naming it.
   */
  async claim(
    owner: string,
    address: string,
    prefixLength: number,
    meta: { name?: string; stale?: (holderId: string) => Promise<boolean> },
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const holder = this.holders.get(address);
      if (!holder || holder.owner === owner) {
        this.holders.set(address, { owner, name: meta.name });
        return;
      }
      if (attempt >= MAX_TAKEOVERS || !meta.stale || !(await meta.stale(holder.owner))) {
        throw new AddressInUseError(formatCidr(address, prefixLength), holder.name ?? holder.owner.slice(0, 12));
      }
      if (this.holders.get(address) === holder) this.holders.delete(address);
    }
  }

  /** Drops every address of `owner`; answers them. */
  release(owner: string): string[] {
    const mine = [...this.holders].filter(([, h]) => h.owner === owner).map(([address]) => address);
    mine.forEach((address) => this.holders.delete(address));
    return mine;
  }

  holderOf(address: string): string | undefined {
    return this.holders.get(address)?.owner;
  }
}
