import { DomainError, ERRORS } from '@app/common';
import { WeaveCidrRequest } from '../cidr/weave-cidr.parser';
import { InterfaceAddress } from '../network/network.driver';
import { ClaimRegistry } from './claim.registry';

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
  /**
   * Asked when another container of this host holds a claimed address: true when it no longer
   * runs (stopped or gone), so the claim takes the address over; a rejection is passed on.
   */
  stale?: (holderId: string) => Promise<boolean>;
}

export const ADDRESS_ALLOCATOR = Symbol('ADDRESS_ALLOCATOR');

/** An automatic address was asked for and no IPAM is configured (ClaimOnlyAllocator). */
export class AllocationUnavailableError extends DomainError {
  constructor(text: string) {
    super(ERRORS.WPX_IPAM_NOT_CONFIGURED, `cannot allocate an address for WEAVE_CIDR "${text}": automatic allocation is not configured`);
  }
}

/**
 * Explicit claims only: the allocator used when IPAM is not part of the build. Claims are
 * recorded in this process (one owner per address, like the IPAM store).
 */
export class ClaimOnlyAllocator implements AddressAllocator {
  private readonly claims = new ClaimRegistry();

  async acquire(owner: string, requests: WeaveCidrRequest[], meta: AcquireMeta = {}): Promise<InterfaceAddress[]> {
    const bad = requests.find((r) => r.kind !== 'claim');
    if (bad) throw new AllocationUnavailableError(bad.text);
    const claims = requests.filter((r) => r.kind === 'claim');
    for (const r of claims) await this.claims.claim(owner, r.address, r.prefixLength, meta);
    return claims.map((r) => ({ address: r.address, prefixLength: r.prefixLength }));
  }

  async release(owner: string): Promise<void> {
    this.claims.release(owner);
  }
}
