import { Lease } from './lease';

/** An inclusive span of addresses (dotted quads), e.g. the host addresses of one subnet. */
export interface AddressSpan {
  readonly first: string;
  readonly last: string;
}

/** Outcome of `reserve`: the lease was written, or the address is held (possibly by the same owner). */
export type ReserveResult =
  | { readonly reserved: true; readonly lease: Lease }
  | { readonly reserved: false; readonly holder: Lease };

/**
 * The port behind which leases persist. Implementations MUST make `reserve` atomic across processes
 * and hosts (a database constraint or a compare-and-swap), never a read followed by a write in
 * JavaScript: that is the whole uniqueness guarantee of the allocator. Every method may reject with
 * `IpamStoreUnavailableError`.
 */
export interface LeaseStore {
  /**
   * Records `lease` unless its address is already held; never overwrites. When `moveCursor` is set,
   * the address also becomes the round-robin cursor of `lease.subnet`, in the same atomic step.
   */
  reserve(lease: Lease, moveCursor: boolean): Promise<ReserveResult>;
  /** Deletes the lease of `lease.address` only if it is still held by `lease.owner` on `lease.host`. */
  release(lease: Lease): Promise<boolean>;
  /** Deletes and returns the leases of `owner` reserved by `host`; other hosts' leases stay. */
  releaseOwner(owner: string, host: string): Promise<Lease[]>;
  findByOwner(owner: string): Promise<Lease[]>;
  /** Leases ordered by address; only those inside `span` when given. */
  list(span?: AddressSpan): Promise<Lease[]>;
  /**
   * Records `range` as the allocation range of this store unless one is recorded already, in one
   * atomic step; answers the recorded range. Leases are only meaningful within the range they
   * were taken from, so every proxy on one store must use the same one.
   */
  bindRange(range: string): Promise<string>;
  /** The last address allocated in `subnet` (the round-robin cursor), if any. */
  lastReserved(subnet: string): Promise<string | undefined>;
  /** Resolves when the store answers; rejects with `IpamStoreUnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
