import { IpamAllocator, Lease } from '@app/ipam';
import { PeerView } from '@app/mesh';
import { Logger } from '../logging/logger';
import { PeerLiveError } from './peer.errors';

/**
 * Reclaims the IPAM leases of dead peers (issue 16, IPAM across hosts). `converge(view)` runs after
 * every peer sync and is level-triggered: it reads the store's leases each time, notes since when
 * each peer holding leases has been absent from the registry (as this process saw it), and
 * reclaims a peer's leases once it has been absent `graceMs`. Every live peer does this; the
 * store's conditional release makes concurrent reclaims release each lease once. It trusts only a
 * view read without error in which this peer itself is live: a peer cut off from etcd reclaims
 * nothing. `now` is the clock, ms (replaceable in tests).
 */
export class LeaseReclaimer {
  private readonly absentSince = new Map<string, number>();
  private running: Promise<Lease[]> | undefined;

  constructor(
    private readonly ipam: IpamAllocator,
    private readonly graceMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass; a call while one runs shares it. Store failures are logged, retried next sync. */
  converge(view: PeerView): Promise<Lease[]> {
    this.running ??= this.pass(view)
      .catch((err: unknown) => {
        this.log.warn({ error: (err as Error).message }, 'lease reclaim failed; retried');
        return [];
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * `weave rmpeer ID`: reclaims the leases of peer `id` at once and returns them (none: an unknown
   * or already reclaimed peer). Throws `PeerLiveError` when `view` has it live.
   */
  async reclaimNow(view: PeerView, id: string): Promise<Lease[]> {
    const live = view.live.find((p) => p.id === id);
    if (live) throw new PeerLiveError(live);
    const released = await this.ipam.reclaim((peer) => peer === id);
    this.log.info({ peerId: id, addresses: released.map((l) => l.address) }, 'peer removed: leases reclaimed');
    return released;
  }

  private async pass(view: PeerView): Promise<Lease[]> {
    if (view.error || !view.live.some((p) => p.id === view.self.id)) return [];
    const live = new Set(view.live.map((p) => p.id));
    const holders = new Set((await this.ipam.list()).flatMap((l) => (l.peer && !live.has(l.peer) ? [l.peer] : [])));
    const now = this.now();
    for (const id of this.absentSince.keys()) if (!holders.has(id)) this.absentSince.delete(id);
    for (const id of holders) if (!this.absentSince.has(id)) this.absentSince.set(id, now);
    const due = (id: string) => holders.has(id) && now - (this.absentSince.get(id) ?? now) >= this.graceMs;
    if (![...holders].some(due)) return [];
    const released = await this.ipam.reclaim(due);
    if (released.length > 0) {
      const peers = [...new Set(released.map((l) => l.peer))];
      this.log.info({ peers, addresses: released.map((l) => l.address) }, 'leases of gone peers reclaimed');
    }
    return released;
  }
}
