import { checkClaim, isAllocationIn, subnetInRange } from './address.rules';
import { AllocateOptions, AllocationRequest, ClaimOptions, IpamUsage } from './allocation.request';
import { IpamConflictError, IpamRangeMismatchError } from './errors';
import { Ipv4Subnet } from './ipv4.subnet';
import { isHostOwner, Lease, LeaseKind } from './lease';
import { LeaseStore } from './lease.store';
import { RoundRobinPicker } from './round-robin.picker';

// A claim takes a stale holder's address over at most this often before calling it a conflict
// (each round lost means a live claimant got there first).
const MAX_TAKEOVERS = 3;

export interface IpamAllocatorOptions {
  /** Canonical IPv4 CIDR every managed address lies in. */
  readonly range: string;
  /** Recorded on leases; `release` and `prune` only touch this host's leases. */
  readonly hostId: string;
  /** Recorded on leases (`Lease.peer`) with a shared store; `reclaim` never touches this peer's. */
  readonly peerId?: string;
  /** The clock, replaceable in tests. */
  readonly now?: () => Date;
  /**
   * Bind the store to `range` (see `checkRange`) before the first allocation, claim or prune, and
   * refuse them all if it holds another one. Off for tests that share one store between ranges.
   */
  readonly bindRange?: boolean;
}

/**
 * Hands out addresses of the range to containers. Holds logic only: uniqueness comes from the
 * store's atomic `reserve`, so any number of allocators (processes, hosts) may share one store.
 */
export class IpamAllocator {
  private readonly range: Ipv4Subnet;
  private readonly hostId: string;
  private readonly peerId: string | undefined;
  private readonly now: () => Date;
  private readonly picker: RoundRobinPicker;
  private readonly pending = new Map<string, Promise<Lease>>();
  private readonly bindRange: boolean;
  private rangeChecked?: Promise<void>;

  constructor(
    private readonly store: LeaseStore,
    options: IpamAllocatorOptions,
  ) {
    this.range = Ipv4Subnet.parse(options.range);
    this.hostId = options.hostId;
    this.peerId = options.peerId;
    this.now = options.now ?? (() => new Date());
    this.picker = new RoundRobinPicker(store);
    this.bindRange = options.bindRange ?? false;
  }

  /**
   * Records this allocator's range in the store if it has none; throws `IpamRangeMismatchError`
   * naming both ranges if it holds another, `IpamStoreUnavailableError` if it does not answer.
   * A success or a mismatch is remembered; an unavailable store is asked again next time.
   */
  checkRange(): Promise<void> {
    this.rangeChecked ??= this.store.bindRange(this.range.cidr).then(
      (stored) => {
        if (stored !== this.range.cidr) throw new IpamRangeMismatchError(stored, this.range.cidr);
      },
      (err: unknown) => {
        this.rangeChecked = undefined;
        throw err;
      },
    );
    return this.rangeChecked;
  }

  /**
   * An address of `subnet` (default: the whole range) for `owner`. Idempotent: if the owner already
   * holds an allocated lease of that subnet, that lease is returned unchanged. Otherwise the next
   * free host address after the subnet's round-robin cursor is reserved.
   * Throws `InvalidInputError` for a malformed subnet or one outside the range, and
   * `IpamExhaustedError` ("no free address in <subnet>") when every host address is held.
   */
  async allocate(owner: string, options: AllocateOptions = {}): Promise<Lease> {
    const subnet = this.subnetFor(options.subnet);
    await this.rangeBound();
    return this.once(`${owner} ${subnet.cidr}`, async () => {
      const held = (await this.store.findByOwner(owner)).find((l) => isAllocationIn(l, subnet.cidr));
      const { prefixLength, cidr } = subnet;
      const make = (address: string) =>
        this.lease({ owner, address, prefixLength, subnet: cidr, kind: 'allocated', name: options.name });
      return held ?? this.picker.reserveNext(subnet, make);
    });
  }

  /**
   * Reserves exactly `address` for `owner`, inside the range (kind `claimed`) or outside it (kind
   * `external`): both are stored, atomically, so two claims of one address never both succeed.
   * Holding it already is fine. A holder of this host that `options.stale` declares stale loses it
   * to this claim. Throws `IpamConflictError` (409, names the holder) otherwise.
   */
  async claim(owner: string, address: string, prefixLength: number, options: ClaimOptions = {}): Promise<Lease> {
    const value = checkClaim(address, prefixLength);
    const kind: LeaseKind = this.range.contains(value) ? 'claimed' : 'external';
    const subnet = Ipv4Subnet.containing(value, prefixLength).cidr;
    const lease = this.lease({ owner, address, prefixLength, subnet, kind, name: options.name });
    await this.rangeBound();
    for (let attempt = 1; ; attempt++) {
      const result = await this.store.reserve(lease, false);
      if (result.reserved) return result.lease;
      const { holder } = result;
      if (holder.owner === owner) return holder;
      if (attempt >= MAX_TAKEOVERS || !(await this.isStale(holder, options))) {
        throw new IpamConflictError(address, holder.owner, holder.name);
      }
      // Conditional on the holder still holding it: a concurrent claimant may have won meanwhile.
      await this.store.release(holder);
    }
  }

  /**
   * Takes every request and returns the leases in request order. Exact claims are taken first, so
   * an allocation never picks an address the same owner claims (`net:10.2.0.0/24 10.2.0.1/24`). If
   * one fails, the leases this call took are released again (those the owner held before the call
   * stay) and the error is rethrown. Subnets are validated before anything is reserved.
   */
  async allocateAll(
    owner: string,
    requests: readonly AllocationRequest[],
    options: ClaimOptions = {},
  ): Promise<Lease[]> {
    requests.forEach((request) => this.validate(request));
    await this.rangeBound();
    const before = new Set((await this.store.findByOwner(owner)).map((lease) => lease.address));
    const taken: Lease[] = [];
    try {
      const order = [...requests.keys()].sort((a, b) => rank(requests[a]) - rank(requests[b]));
      const byRequest: Lease[] = [];
      for (const i of order) taken.push((byRequest[i] = await this.take(owner, requests[i], options)));
      return byRequest;
    } catch (err) {
      await this.rollback(taken.filter((lease) => !before.has(lease.address)));
      throw err;
    }
  }

  /** Releases and returns this host's leases of `owner`. */
  async release(owner: string): Promise<Lease[]> {
    return this.store.releaseOwner(owner, this.hostId);
  }

  /** Every lease `owner` holds, on any host. */
  async leasesOf(owner: string): Promise<Lease[]> {
    return this.store.findByOwner(owner);
  }

  /** Every lease in the store, ordered by address. */
  async list(): Promise<Lease[]> {
    return this.store.list();
  }

  async usage(): Promise<IpamUsage> {
    const used = (await this.store.list(this.range.hostSpan())).length;
    const size = this.range.hostCount;
    return { range: this.range.cidr, size, used, free: Math.max(0, size - used) };
  }

  /**
   * Releases this host's leases whose owner is not in `liveOwners`, a container list taken at
   * `listedAt`; returns them. A lease reserved at or after `listedAt` is kept whatever its owner:
   * that container may have been started after the list was taken (the proxy serves meanwhile).
   * Without `listedAt` every lease of a missing owner goes.
   */
  async prune(liveOwners: ReadonlySet<string>, listedAt?: Date): Promise<Lease[]> {
    const before = (l: Lease) => listedAt === undefined || Date.parse(l.since) < listedAt.getTime();
    await this.rangeBound();
    const mine = (await this.store.list()).filter((l) => this.isMine(l) && !isHostOwner(l.owner));
    return this.releaseEach(mine.filter((l) => !liveOwners.has(l.owner) && before(l)));
  }

  /**
   * Releases the leases reserved by the peers `gone` declares dead (never this allocator's own
   * peer's), each only if it is still the lease that was read: peers reclaiming at once release
   * each lease once, and an address taken again meanwhile stays. Returns those this call released.
   */
  async reclaim(gone: (peerId: string) => boolean): Promise<Lease[]> {
    const leases = await this.store.list();
    return this.releaseEach(leases.filter((l) => l.peer !== undefined && l.peer !== this.peerId && gone(l.peer)));
  }

  /** Resolves when the store answers; rejects with `IpamStoreUnavailableError` otherwise. */
  async ping(): Promise<void> {
    return this.store.ping();
  }

  // Concurrent calls for one owner and subnet share one outcome, keeping `allocate` idempotent
  // within this process even before the first call has stored its lease.
  private once(key: string, work: () => Promise<Lease>): Promise<Lease> {
    const pending = this.pending.get(key);
    if (pending) return pending;
    const outcome = work().finally(() => this.pending.delete(key));
    this.pending.set(key, outcome);
    return outcome;
  }

  private async rangeBound(): Promise<void> {
    if (this.bindRange) await this.checkRange();
  }

  private take(owner: string, request: AllocationRequest, options: ClaimOptions): Promise<Lease> {
    if (request.type === 'net') return this.allocate(owner, { subnet: request.subnet, name: options.name });
    return this.claim(owner, request.address, request.prefixLength, options);
  }

  // A lease of this host id and of this peer (or of none): two hosts sharing a hostname (the
  // default host id) differ by peer id, and neither prunes nor takes over the other's leases.
  private isMine(lease: Lease): boolean {
    return lease.host === this.hostId && (lease.peer === undefined || this.peerId === undefined || lease.peer === this.peerId);
  }

  private async releaseEach(leases: Lease[]): Promise<Lease[]> {
    const released: Lease[] = [];
    for (const lease of leases) if (await this.store.release(lease)) released.push(lease);
    return released;
  }

  private async isStale(holder: Lease, options: ClaimOptions): Promise<boolean> {
    return this.isMine(holder) && options.stale !== undefined && (await options.stale(holder));
  }

  private validate(request: AllocationRequest): void {
    if (request.type === 'net') this.subnetFor(request.subnet);
    else checkClaim(request.address, request.prefixLength);
  }

  // Best effort: the original error matters more than a failed rollback (the store is likely down).
  private async rollback(leases: Lease[]): Promise<void> {
    for (const lease of leases) await this.store.release(lease).catch(() => false);
  }

  private subnetFor(cidr: string | undefined): Ipv4Subnet {
    return cidr === undefined ? this.range : subnetInRange(this.range, cidr);
  }

  private lease(fields: Omit<Lease, 'host' | 'since'>): Lease {
    const { name, ...rest } = fields;
    const peer = this.peerId === undefined ? {} : { peer: this.peerId };
    const lease: Lease = { ...rest, host: this.hostId, ...peer, since: this.now().toISOString() };
    return name === undefined ? lease : { ...lease, name };
  }
}

function rank(request: AllocationRequest): number {
  return request.type === 'ip' ? 0 : 1;
}
