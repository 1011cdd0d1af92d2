import { DomainError } from '@app/common';
import { WeaveCidrRequest } from '../cidr/weave-cidr.parser';
import { InterfaceAddress } from '../network/network.driver';

/**
 * Turns a container's WEAVE_CIDR requests into addresses. Implemented by IPAM in the app; the
 * weave lib only depends on this port. `acquire` is idempotent per owner (asking again returns
 * what it holds) and all-or-nothing (a later failing request releases what this call took).
 */
export interface AddressAllocator {
  acquire(owner: string, requests: WeaveCidrRequest[], meta: AcquireMeta): Promise<InterfaceAddress[]>;
  /** Releases everything the owner holds (a destroyed container). */
  release(owner: string): Promise<void>;
  /**
   * Releases what owners that are not in `live` hold (containers removed while we were down).
   * `listedAt`: when `live` was listed; what was acquired since then is kept.
   */
  prune?(live: ReadonlySet<string>, listedAt: Date): Promise<void>;
}

export interface AcquireMeta {
  name?: string;
  /**
   * Addresses already on the container's ethwe. An allocation prefers one of these that fits, so
   * a container keeps its address across a proxy restart even if the store lost its lease.
   */
  current?: InterfaceAddress[];
}

export const ADDRESS_ALLOCATOR = Symbol('ADDRESS_ALLOCATOR');

export class AllocationUnavailableError extends DomainError {
  readonly code = 'WPX_IPAM_UNAVAILABLE';
  override readonly status = 500;
  override readonly terminal = true;
  constructor(text: string) {
    super(`cannot allocate an address for WEAVE_CIDR "${text}": automatic allocation is not configured`);
  }
}

/** Explicit claims only: the allocator used when IPAM is not part of the build. */
export class ClaimOnlyAllocator implements AddressAllocator {
  async acquire(_owner: string, requests: WeaveCidrRequest[]): Promise<InterfaceAddress[]> {
    return requests.map((r) => {
      if (r.kind !== 'claim') throw new AllocationUnavailableError(r.text);
      return { address: r.address, prefixLength: r.prefixLength };
    });
  }

  async release(): Promise<void> {}
}
