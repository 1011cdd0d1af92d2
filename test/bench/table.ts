import { BenchRow, ratioOf } from './result';
import { round3 } from './stats';

const HEADERS = ['workload', 'direct', 'proxy', 'haproxy', 'proxy/direct', 'haproxy/direct', 'units'];

const cell = (value: number | undefined): string => (value === undefined ? '-' : String(round3(value)));
const ratioCell = (value: number | undefined): string => (value === undefined ? '-' : `${round3(value)}x`);

/** The rows as an aligned plain-text table; failed rows show their error in place of numbers. */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => {
    if (row.error) return [row.workload, 'ERROR', row.error.replace(/\s*\n+\s*/g, ' | ')];
    const unit = row.unit + (row.higherIsBetter ? ' (higher is better)' : '');
    const ratios = [ratioCell(ratioOf(row)), ratioCell(ratioOf(row, 'haproxy'))];
    return [row.workload, cell(row.direct), cell(row.proxy), cell(row.haproxy), ...ratios, unit];
  });
  const measured = lines.filter((l) => l[1] !== 'ERROR');
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...measured.map((l) => l[i].length)));
  const last = HEADERS.length - 1;
  const fmt = (cols: string[]): string =>
    cols[1] === 'ERROR'
      ? `${cols[0].padEnd(widths[0])}  ERROR: ${cols[2]}`
      : cols.map((c, i) => (i === 0 || i === last ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
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
