import * as fs from 'node:fs';
import { loadavg } from 'node:os';

/**
 * Other `launch-proxy` processes on this host (not `ownPids`): they share dockerd and the bridge,
 * reconcile the benchmark's containers too and take CPU, so the numbers should be read with them
 * in mind.
 */
export function otherProxies(ownPids: readonly number[]): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || ownPids.includes(Number(entry))) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('launch-proxy');
      if (at > 0 && argv[at - 1].endsWith('main.js')) found.push(`${entry}: ${argv.slice(at + 1).join(' ').slice(0, 120)}`);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** The 1-minute load average, rounded, for the report. */
export const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;
