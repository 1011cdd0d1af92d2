/**
 * The ways every workload is run: straight to the reference server, through the proxy, and (when
 * it is installed) through HAProxy in `mode tcp`, the reference relay in front of the same socket.
 */
export type Side = 'direct' | 'proxy' | 'haproxy';

export interface InterleaveOptions {
  rounds: number;
  /** No new round starts after this long (each side has run at least once by then). */
  budgetMs: number;
  /** The sides to run, in round order; default direct and proxy. */
  sides?: readonly Side[];
}

/**
 * Runs `measure('direct')`, `measure('proxy')`, `measure('haproxy')`, `measure('direct')`, ... for
 * `rounds` rounds, so that drift on the machine (page cache, other load) hits every side alike.
 * Answers the values of each side in round order (an empty list for a side not run).
 */
export async function interleave<T>(
  opts: InterleaveOptions,
  measure: (side: Side, round: number) => Promise<T>,
): Promise<Record<Side, T[]>> {
  const out: Record<Side, T[]> = { direct: [], proxy: [], haproxy: [] };
  const sides = opts.sides ?? ['direct', 'proxy'];
  const deadline = Date.now() + opts.budgetMs;
  for (let round = 0; round < opts.rounds; round++) {
    if (round > 0 && Date.now() > deadline) break;
    for (const side of sides) out[side].push(await measure(side, round));
  }
  return out;
}
