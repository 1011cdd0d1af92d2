/**
 * One row of the benchmark table: a metric measured both ways (directly on dockerd or a reference
 * server, and through the proxy), as medians over interleaved rounds.
 */
export interface BenchRow {
  workload: string;
  /** Median of the direct (reference) rounds; undefined when there is no direct counterpart. */
  direct?: number;
  /** Median of the proxy rounds. */
  proxy?: number;
  unit: string;
  /** True when a larger number is better (throughput), so a ratio below 1 means the proxy is slower. */
  higherIsBetter?: boolean;
  /** Raw per-round values, for the JSON line. */
  rounds?: { direct: number[]; proxy: number[] };
  /** Why the row has no numbers (the workload failed or was skipped). */
  error?: string;
  /** A short remark printed under the table. */
  note?: string;
}

/** proxy/direct, or undefined when either side is missing. */
export function ratioOf(row: BenchRow): number | undefined {
  if (row.direct === undefined || row.proxy === undefined || row.direct === 0) return undefined;
  return row.proxy / row.direct;
}

/** A failed or skipped workload as one row that carries the message. */
export function errorRow(workload: string, err: unknown): BenchRow {
  const message = err instanceof Error ? err.message : String(err);
  return { workload, unit: '', error: message.split('\n')[0].slice(0, 300) };
}
