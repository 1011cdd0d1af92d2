import { BenchRow, ratioOf } from './result';
import { round3 } from './stats';

const HEADERS = ['workload', 'direct median', 'proxy median', 'ratio proxy/direct', 'units'];

const cell = (value: number | undefined): string => (value === undefined ? '-' : String(round3(value)));

/** The rows as an aligned plain-text table; failed rows show their error in place of numbers. */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => {
    if (row.error) return [row.workload, 'ERROR', '', '', row.error.replace(/\s*\n+\s*/g, ' | ')];
    const ratio = ratioOf(row);
    const unit = row.unit + (row.higherIsBetter ? ' (higher is better)' : '');
    return [row.workload, cell(row.direct), cell(row.proxy), ratio === undefined ? '-' : `${round3(ratio)}x`, unit];
  });
  const measured = lines.filter((l) => l[1] !== 'ERROR');
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...measured.map((l) => l[i].length)));
  const fmt = (cols: string[]): string =>
    cols[1] === 'ERROR'
      ? `${cols[0].padEnd(widths[0])}  ERROR: ${cols[4]}`
      : cols.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(HEADERS), rule, ...lines.map(fmt)].join('\n');
}

/** The remarks attached to rows, numbered under the table. */
export function formatNotes(rows: readonly BenchRow[]): string {
  return rows
    .filter((row) => row.note)
    .map((row) => `  * ${row.workload}: ${row.note}`)
    .join('\n');
}
