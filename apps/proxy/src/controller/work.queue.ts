import { DomainError, ERRORS } from '@app/common';

/** What one processing of a key ended with. */
export type Outcome = { ok: true } | { ok: false; error: unknown; terminal: boolean };

/** How many keys run at once, and the retry backoff (doubling from base, capped at max), in ms. */
export interface WorkQueueOptions {
  workers: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The token of the controller's WorkQueueOptions. */
export const WORK_QUEUE_OPTIONS = Symbol('WORK_QUEUE_OPTIONS');

/** Four reconciles at once; retries after 200 ms, 400 ms, … up to 30 s. */
export const DEFAULT_WORK_QUEUE_OPTIONS: WorkQueueOptions = { workers: 4, baseDelayMs: 200, maxDelayMs: 30_000 };

type Waiter = (outcome: Outcome) => void;

/** Told, as each run starts, how long its key waited since it was added (ms; backoff delays excluded). */
export type QueueWaitObserver = (waitedMs: number) => void;

/** The proxy is shutting down: the key was not processed. */
export class ShutDownError extends DomainError {
  constructor() {
    super(ERRORS.WPX_SHUTTING_DOWN, 'weave proxy is shutting down');
  }
}

const SHUT_DOWN: Outcome = { ok: false, error: new ShutDownError(), terminal: true };

/**
 * A controller work queue (after controller-runtime): keys are de-duplicated while waiting, one
 * key is never processed twice at once (a key added while it runs is processed again after),
 * failures are retried with capped exponential backoff, terminal failures are not. Callers can
 * wait for the outcome of the next processing of a key.
 *
 * Urgent keys (someone is waiting on them: a process held in /w/w, a `docker start`) go before
 * every other waiting key, in the order they were made urgent (as controller-runtime's priority
 * queue puts event-driven keys before resyncs). With crash-looping containers most keys are
 * exits and resyncs, which nobody waits on; a start no longer queues behind all of them.
 */
export class WorkQueue {
  /** Keys waiting for a worker: when they were added (ms since the epoch), whether urgent. */
  private readonly pending = new Map<string, { since: number; urgent: boolean }>();
  private readonly urgent: string[] = [];
  private readonly order: string[] = [];
  private readonly running = new Set<string>();
  /** Keys added while they ran, to run again after; the value says whether urgently. */
  private readonly dirty = new Map<string, boolean>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly followers = new Map<string, Waiter[]>();
  private active = 0;
  private stopped = false;

  constructor(
    private readonly process: (key: string) => Promise<void>,
    private readonly isTerminal: (err: unknown) => boolean,
    private readonly options: WorkQueueOptions,
    private readonly observeWait?: QueueWaitObserver,
  ) {}

  get depth(): number {
    return this.pending.size + this.timers.size;
  }

  /** Adds the key (see the class comment for `urgent`); a key waiting out its backoff runs now. */
  add(key: string, urgent = false): void {
    if (this.stopped) return;
    this.clearTimer(key);
    if (this.running.has(key)) {
      this.dirty.set(key, urgent || (this.dirty.get(key) ?? false));
      return;
    }
    const waiting = this.pending.get(key);
    if (waiting) {
      if (urgent && !waiting.urgent) this.hurry(key, waiting);
      return;
    }
    this.pending.set(key, { since: Date.now(), urgent });
    (urgent ? this.urgent : this.order).push(key);
    this.pump();
  }

  private hurry(key: string, waiting: { urgent: boolean }): void {
    waiting.urgent = true;
    this.order.splice(this.order.indexOf(key), 1);
    this.urgent.push(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Adds the key and resolves with the outcome of its next processing. */
  addAndWait(key: string): Promise<Outcome> {
    if (this.stopped) return Promise.resolve(SHUT_DOWN);
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push(resolve);
      this.waiters.set(key, list);
      this.add(key, true);
    });
  }

  /**
   * Resolves with the outcome of the run of the key in progress, or else of its next run, without
   * hurrying it: a key waiting out its backoff keeps waiting. A key that nothing will run is added.
   * How a caller follows a key's retries.
   */
  nextOutcome(key: string): Promise<Outcome> {
    if (this.stopped) return Promise.resolve(SHUT_DOWN);
    return new Promise((resolve) => {
      this.followers.set(key, [...(this.followers.get(key) ?? []), resolve]);
      if (!this.running.has(key) && !this.pending.has(key) && !this.timers.has(key)) this.add(key, true);
    });
  }

  /** Stops taking work and resolves when what is running has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    // Waiters of keys that will not run now: a start waiting on them gets a clear answer.
    for (const key of [...this.urgent, ...this.order]) {
      for (const w of this.waiters.get(key) ?? []) w(SHUT_DOWN);
      this.waiters.delete(key);
    }
    for (const [key, list] of this.followers) if (!this.running.has(key)) list.forEach((w) => w(SHUT_DOWN));
    for (const key of [...this.followers.keys()]) if (!this.running.has(key)) this.followers.delete(key);
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private pump(): void {
    while (!this.stopped && this.active < this.options.workers && (this.urgent.length || this.order.length)) {
      const key = (this.urgent.length ? this.urgent : this.order).shift() as string;
      this.observeWait?.(Date.now() - (this.pending.get(key)?.since ?? Date.now()));
      this.pending.delete(key);
      this.running.add(key);
      this.active++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    // Waiters registered before this run started get this run's outcome.
    const waiters = this.waiters.get(key) ?? [];
    this.waiters.delete(key);
    const outcome = await this.process(key).then(
      (): Outcome => ({ ok: true }),
      (error: unknown): Outcome => ({ ok: false, error, terminal: this.isTerminal(error) }),
    );
    this.active--;
    this.running.delete(key);
    const followers = this.followers.get(key) ?? [];
    this.followers.delete(key);
    for (const w of [...waiters, ...followers]) w(outcome);
    this.afterRun(key, outcome);
    this.pump();
  }

  private afterRun(key: string, outcome: Outcome): void {
    const again = this.dirty.get(key);
    if (again !== undefined) {
      this.dirty.delete(key);
      this.add(key, again);
      return;
    }
    if (outcome.ok || outcome.terminal) {
      this.failures.delete(key);
      return;
    }
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    this.addAfter(key, Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (n - 1)));
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
  }
}
