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
}

export interface IpamUsage {
  readonly range: string;
  /** Host addresses in the range (all but its network and broadcast addresses). */
  readonly size: number;
  /** Leases whose address lies in the range. */
  readonly used: number;
  readonly free: number;
}
