/**
 * How a lease came to be: `allocated` by the allocator from a subnet, `claimed` as an exact address
 * inside the range (`ip:10.32.1.1/12`), or `external`: an explicit address outside the range. All
 * three are stored alike, so every address on the bridge has exactly one owner in the store.
 */
export type LeaseKind = 'allocated' | 'claimed' | 'external';

/** One address held by one container. An address is held by at most one lease at a time. */
export interface Lease {
  /** Dotted quad, e.g. 10.32.0.1. */
  readonly address: string;
  readonly prefixLength: number;
  /** CIDR the address was taken from: the range itself for default allocations, else the net: subnet. */
  readonly subnet: string;
  /** Container id. */
  readonly owner: string;
  /** Container name, informational only (admin listing, conflict messages). */
  readonly name?: string;
  /** Host id of the proxy that reserved it; only that host releases it. */
  readonly host: string;
  /**
   * Peer id (32 hex digits, `<state-dir>/peer-id`) of the proxy that reserved it, with a shared
   * store only: a peer gone from the registry has its leases reclaimed by this id (`reclaim`).
   */
  readonly peer?: string;
  /** ISO 8601 time of the reservation. */
  readonly since: string;
  readonly kind: LeaseKind;
}

/**
 * Owners that are not containers start with `weave:` (container ids are hex): the host's own
 * address on the bridge (`weave expose`, owner `weave:expose:<id>`). `prune` never releases them.
 */
export const HOST_OWNER_PREFIX = 'weave:';

export function isHostOwner(owner: string): boolean {
  return owner.startsWith(HOST_OWNER_PREFIX);
}
