import { createHash } from 'node:crypto';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const sha256 = (data: Buffer | string): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * Polls `probe` until it answers something other than `undefined`, then answers that. On timeout it
 * rejects with `what` and the last value `describe` gave (for the failure message).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = opts.describe ? `: ${opts.describe()}` : '';
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

/**
 * The negative of `waitFor`: polls `probe` for `forMs` (every `intervalMs`) and rejects as soon as
 * it answers something other than `undefined`, with `what` and that answer. Use it for "X never
 * happens", with `forMs` longer than the time X would take if it did happen (so the check can
 * fail), never as a sleep before a single look.
 */
export async function never<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { forMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.forMs ?? 3_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) throw new Error(`${what} happened: ${JSON.stringify(value)}`);
    if (Date.now() > deadline) return;
    await sleep(opts.intervalMs ?? 100);
  }
}
