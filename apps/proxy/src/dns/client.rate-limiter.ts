interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client address: `ratePerSecond` tokens a second up to `burst`, one per query.
 * At most `trackedClients` buckets are kept (the least recently used is dropped), so spoofed
 * source addresses cannot grow memory; a forgotten client starts again with a full bucket.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly trackedClients: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when `client` may send one more query now (and takes its token). */
  allow(client: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    this.buckets.delete(client); // re-inserted last: Map order is the LRU order
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.trackedClients) this.buckets.delete(this.buckets.keys().next().value as string);
    return allowed;
  }

  get size(): number {
    return this.buckets.size;
  }
}
