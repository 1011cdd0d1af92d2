import { CoalescingTask } from '../coalescing.task';
import { EndpointRecord } from './endpoint';
import { EndpointRegistry } from './endpoint.registry';

export interface EndpointView {
  /** Every peer's records as last read, sorted by peerId then containerId. */
  readonly records: readonly EndpointRecord[];
  /** The last failure to read or watch, cleared by the next success (the records are then the last known). */
  readonly error?: string;
}

/**
 * The endpoint records of every host, as this proxy knows them: `view()` is kept equal to the
 * registry's list at start, on every watch event and every `resyncMs`. Each sync reads the whole
 * list, so a missed, repeated or reordered event changes nothing; a failed read keeps the last
 * known records (as the peer directory keeps the last known peers) until a read succeeds. A watch
 * that could not be made is retried at each sync. Listeners are called after each sync.
 */
export class EndpointDirectory {
  private records: readonly EndpointRecord[] = [];
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private stopped = false;
  private readonly syncs = new CoalescingTask(() => this.syncOnce());
  private readonly listeners: Array<(view: EndpointView) => void> = [];

  /** `resyncMs`: the period of the full re-read whatever the watch said, ms. */
  constructor(
    private readonly registry: EndpointRegistry,
    private readonly resyncMs: number,
  ) {}

  /** Reads the records once (a store that does not answer is retried in the background). */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.sync(), this.resyncMs);
    this.timer.unref();
    await this.sync();
  }

  onChange(listener: (view: EndpointView) => void): void {
    this.listeners.push(listener);
  }

  view(): EndpointView {
    return { records: this.records, ...(this.error ? { error: this.error } : {}) };
  }

  /** Re-reads the records; calls made while one runs coalesce into one more run after it. */
  sync(): Promise<void> {
    return this.stopped ? Promise.resolve() : this.syncs.run();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.unwatch?.();
  }

  private async syncOnce(): Promise<void> {
    try {
      this.unwatch ??= await this.registry.watch(() => void this.sync());
      this.records = await this.registry.list();
      this.error = undefined;
    } catch (err) {
      this.error = (err as Error).message;
    }
    const view = this.view();
    for (const listener of this.listeners) listener(view);
  }
}
