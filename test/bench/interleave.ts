/** The two ways every workload is run: straight to the reference server, and through the proxy. */
export type Side = 'direct' | 'proxy';

export interface InterleaveOptions {
  rounds: number;
  /** No new round starts after this long (each side has run at least once by then). */
  budgetMs: number;
}

/**
 * Runs `measure('direct')`, `measure('proxy')`, `measure('direct')`, ... (ABAB) for `rounds` rounds,
 * so that drift on the machine (page cache, other load) hits both sides alike. Answers the values
 * of each side in round order.
 */
export async function interleave<T>(
  opts: InterleaveOptions,
  measure: (side: Side, round: number) => Promise<T>,
): Promise<Record<Side, T[]>> {
  const out: Record<Side, T[]> = { direct: [], proxy: [] };
  const deadline = Date.now() + opts.budgetMs;
  for (let round = 0; round < opts.rounds; round++) {
    if (round > 0 && Date.now() > deadline) break;
    for (const side of ['direct', 'proxy'] as const) out[side].push(await measure(side, round));
  }
  return out;
}
