import { PeerRecord, PeerView } from '@app/mesh';

/**
 * Keeps a peer that left in the data plane's view for `lingerMs` after this process saw it go
 * (issue 16, item 4). A proxy that stops revokes its lease, so the others drop it at once from the
 * peer list; but its containers keep running, and a restart (stop, then start with the same
 * state dir) re-registers within seconds. Keeping its flood entry meanwhile means traffic to its
 * containers never stops. A peer that does not come back loses its entries `lingerMs` later.
 * `now` is the clock, ms.
 */
export class PeerLinger {
  private readonly left = new Map<string, { peer: PeerRecord; at: number }>();

  constructor(
    private readonly lingerMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `view` with the peers that left less than `lingerMs` ago (and are not back) added to `live`. */
  apply(view: PeerView): PeerView {
    const now = this.now();
    const live = new Set(view.live.map((p) => p.id));
    for (const p of view.gone) if (!live.has(p.id) && !this.left.has(p.id)) this.left.set(p.id, { peer: p, at: now });
    for (const id of this.left.keys()) if (live.has(id)) this.left.delete(id);
    const lingering = [...this.left.values()].filter((l) => now - l.at < this.lingerMs).map((l) => l.peer);
    return { ...view, live: [...view.live, ...lingering] };
  }

  /** Milliseconds until the next lingering peer is due to go (so the caller converges then); undefined when none. */
  nextExpiryMs(): number | undefined {
    const due = [...this.left.values()].map((l) => l.at + this.lingerMs - this.now()).filter((ms) => ms > 0);
    return due.length === 0 ? undefined : Math.min(...due);
  }
}
