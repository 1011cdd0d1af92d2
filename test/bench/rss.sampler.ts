import * as fs from 'node:fs';
import { BenchRow } from './result';
import { MB } from './stats';

const INTERVAL_MS = 100;

/**
 * Workload 4: the proxy's memory. Polls VmRSS of the proxy process and, per workload, resets the
 * kernel's peak counter (`echo 5 > /proc/<pid>/clear_refs`, root only) then reads VmHWM after it,
 * so each workload's own peak is known as well as the whole run's.
 */
export class RssSampler {
  private maxRss = 0;
  private readonly atStart: number;
  private readonly phases: { name: string; peak: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.atStart = this.read('VmRSS');
    this.timer = setInterval(() => this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  /** Runs `work` as a named phase and records the proxy's peak RSS during it. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const resettable = this.resetPeak();
    try {
      return await work();
    } finally {
      this.sample();
      const peak = resettable ? this.read('VmHWM') : Number.NaN;
      this.phases.push({ name, peak });
    }
  }

  /** Stops polling; answers the rows (whole-run peak first, then one per phase). */
  finish(): BenchRow[] {
    clearInterval(this.timer);
    this.sample();
    const hwm = this.read('VmHWM');
    const peak = Math.max(this.maxRss, Number.isFinite(hwm) ? hwm : 0, ...this.phases.map((p) => p.peak).filter(Number.isFinite));
    return [
      { workload: 'proxy RSS idle (after start)', proxy: this.atStart / MB, unit: 'MB', note: 'goal <= 60 MB idle, <= 100 MB peak' },
      { workload: 'proxy peak RSS (whole run)', proxy: peak / MB, unit: 'MB' },
      ...this.phases.map((p) => ({ workload: `proxy peak RSS in ${p.name}`, proxy: p.peak / MB, unit: 'MB' })),
    ];
  }

  private sample(): void {
    const rss = this.read('VmRSS');
    if (Number.isFinite(rss) && rss > this.maxRss) this.maxRss = rss;
  }

  private resetPeak(): boolean {
    try {
      fs.writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** A `/proc/<pid>/status` field in bytes; NaN once the process is gone. */
  private read(field: 'VmRSS' | 'VmHWM'): number {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }
}
