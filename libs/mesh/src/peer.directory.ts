import { CoalescingTask } from './coalescing.task';
import { PeerRecord } from './peer';
import { PeerRegistry } from './peer.registry';

export interface PeerDirectoryOptions {
  /** The lease TTL, seconds: how long after a crash the others still count this peer live. */
  readonly ttlSeconds: number;
  /** How often the list is read again whatever the watch said, ms (level-triggered backstop). */
  readonly resyncMs: number;
}

export interface PeerView {
  readonly self: PeerRecord;
  /** Live peers, self included, by id. */
  readonly live: PeerRecord[];
  /** Peers seen live during this run that are not any more (lease expired or revoked). */
  readonly gone: PeerRecord[];
  /** The last failure to read or join, cleared by the next success. */
  readonly error?: string;
}

/**
 * This proxy's view of the weave network's peers: joins the registry, then keeps `view()` equal to
 * the registry's list: at start, on every watch event and every `resyncMs`. It never depends on
 * having seen every event: each sync reads the whole list. A failed join is retried at each resync.
 * Listeners (the data plane) are called after each sync with the whole view.
 */
export class PeerDirectory {
  private live: PeerRecord[] = [];
  private readonly gone = new Map<string, PeerRecord>();
  private joined = false;
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private readonly syncs = new CoalescingTask(() => this.syncOnce());
  private readonly listeners: Array<(view: PeerView) => void> = [];

  constructor(
    private readonly registry: PeerRegistry,
    private readonly self: PeerRecord,
    private readonly options: PeerDirectoryOptions,
  ) {}

  /** Joins and reads the list once; a store that does not answer is retried in the background. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.sync(), this.options.resyncMs);
    this.timer.unref();
    await this.sync();
  }

  onChange(listener: (view: PeerView) => void): void {
    this.listeners.push(listener);
  }

  view(): PeerView {
    return { self: this.self, live: this.live, gone: [...this.gone.values()], ...(this.error ? { error: this.error } : {}) };
  }

  /** Re-reads the list; calls made while one runs coalesce into one more run after it. */
  sync(): Promise<void> {
    return this.syncs.run();
  }

  /** Stops syncing; with `leave`, revokes the lease so the others drop this peer at once. */
  async stop(leave: boolean): Promise<void> {
    clearInterval(this.timer);
    this.unwatch?.();
    if (leave && this.joined) await this.registry.leave().catch(() => undefined);
    await this.registry.close();
  }

  private async syncOnce(): Promise<void> {
    try {
      if (!this.joined) {
        await this.registry.join(this.self, this.options.ttlSeconds, (err) => (this.error = err.message));
        this.joined = true;
      }
      this.unwatch ??= await this.registry.watch(() => void this.sync());
      this.apply(await this.registry.list());
      this.error = undefined;
    } catch (err) {
      this.error = (err as Error).message;
    }
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }

  private apply(list: PeerRecord[]): void {
    const ids = new Set(list.map((p) => p.id));
    for (const p of this.live) if (!ids.has(p.id)) this.gone.set(p.id, p);
    for (const id of ids) this.gone.delete(id);
    this.live = list;
  }
}
