import { Side } from './interleave';
import { median } from './stats';

/**
 * One row of the benchmark table: a metric measured several ways (directly on dockerd or a
 * reference server, through the proxy, and through HAProxy in `mode tcp` when it runs), as medians
 * over interleaved rounds.
 */
export interface BenchRow {
  workload: string;
  /** Median of the direct (reference) rounds; undefined when there is no direct counterpart. */
  direct?: number;
  /** Median of the proxy rounds. */
  proxy?: number;
  /** Median of the HAProxy (`mode tcp`) rounds; undefined when HAProxy did not run this row. */
  haproxy?: number;
  unit: string;
  /** True when a larger number is better (throughput), so a ratio below 1 means the proxy is slower. */
  higherIsBetter?: boolean;
  /** Raw per-round values, for the JSON line. */
  rounds?: Partial<Record<Side, number[]>>;
  /** Why the row has no numbers (the workload failed or was skipped). */
  error?: string;
  /** A short remark printed under the table. */
  note?: string;
}

/** proxy/direct, or undefined when either side is missing. */
export function ratioOf(row: BenchRow, side: 'proxy' | 'haproxy' = 'proxy'): number | undefined {
  const value = row[side];
  if (row.direct === undefined || value === undefined || row.direct === 0) return undefined;
  return value / row.direct;
}

/** A row from per-round values of every side that ran (a side with no rounds has no median). */
export function sidedRow(workload: string, rounds: Record<Side, number[]>, unit: string, higherIsBetter = false): BenchRow {
  const med = (values: number[]): number | undefined => (values.length ? median(values) : undefined);
  return {
    workload,
    direct: med(rounds.direct),
    proxy: med(rounds.proxy),
    haproxy: med(rounds.haproxy),
    unit,
    higherIsBetter: higherIsBetter || undefined,
    rounds,
  };
}

/** A failed or skipped workload as one row that carries the message. */
export function errorRow(workload: string, err: unknown): BenchRow {
  const message = err instanceof Error ? err.message : String(err);
  return { workload, unit: '', error: message.split('\n')[0].slice(0, 300) };
}
