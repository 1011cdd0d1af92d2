import { Lease } from './lease';

/** One part of a container's addressing, in WEAVE_CIDR order. */
export type AllocationRequest =
  /** `net:default` / blank (no subnet) or `net:10.2.0.0/24`: any free address of that subnet. */
  | { readonly type: 'net'; readonly subnet?: string }
  /** `ip:10.2.1.1/24` or `10.2.1.1/24`: exactly that address. */
  | { readonly type: 'ip'; readonly address: string; readonly prefixLength: number };

export interface AllocateOptions {
  /** CIDR inside the range; undefined = the range itself. */
  readonly subnet?: string;
  /** Container name, recorded for people (listings, conflict messages). */
  readonly name?: string;
}

export interface ClaimOptions {
  readonly name?: string;
  /**
   * Asked when another owner of this host holds the claimed address: true when that owner can no
   * longer use it (its container stopped or is gone), so the claim takes the address over. Without
   * it, or for another host's owner, a held address is a conflict.
   */
  readonly stale?: (holder: Lease) => Promise<boolean>;
}

export interface IpamUsage {
  readonly range: string;
  /** Host addresses in the range (all but its network and broadcast addresses). */
  readonly size: number;
  /** Leases whose address lies in the range. */
  readonly used: number;
  readonly free: number;
}
