import * as fs from 'node:fs';
import { BenchContext, hostOf } from './context';
import { agentFor, runRound } from './http.bench';
import { interleave, Side } from './interleave';
import { BenchRow, sidedRow } from './result';

const PINGS = { path: '/_ping', concurrency: 4, requests: 3000 };
const ROUNDS = 3;
// Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const TICK_US = 10_000;

/**
 * Workload: relay CPU per `GET /_ping` (keep-alive, 4 connections): user plus system CPU time of
 * the relay process (the proxy; HAProxy) from /proc/<pid>/stat over a round of requests, divided
 * by the requests; nothing subtracted. The direct column is dockerd's own CPU per request.
 */
export async function cpuBench(ctx: BenchContext, pids: Partial<Record<Side, number>>): Promise<BenchRow[]> {
  ctx.progress(`CPU per /_ping: ${ROUNDS} rounds x ${PINGS.requests} requests each relay`);
  const agents = Object.fromEntries(ctx.sides.map((side) => [side, agentFor(PINGS.concurrency)])) as Record<Side, ReturnType<typeof agentFor>>;
  try {
    const res = await interleave({ rounds: ROUNDS, budgetMs: 60_000, sides: ctx.sides }, async (side: Side) => {
      const pid = pids[side];
      const before = pid ? cpuTicks(pid) : 0;
      await runRound(hostOf(ctx, side), agents[side], PINGS);
      return pid ? ((cpuTicks(pid) - before) * TICK_US) / PINGS.requests : Number.NaN;
    });
    const row = sidedRow('relay CPU per GET /_ping (direct: dockerd)', res, 'us/request');
    return [{ ...row, note: 'goal: proxy <= 150 us/request (HAProxy tcp measured 82 us in issue 13)' }];
  } finally {
    for (const agent of Object.values(agents)) agent.destroy();
  }
}

/** utime + stime of `pid`, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Runs `work` (one side of an interleaved round) and records the CPU its relay process (the
 * proxy, HAProxy; dockerd for direct) used meanwhile, in ms per `units` (MB, say) into `cpu`.
 */
export async function withRelayCpu<T>(ctx: BenchContext, side: Side, cpu: Record<Side, number[]>, units: number, work: () => Promise<T>): Promise<T> {
  const pid = ctx.pids[side];
  const before = pid ? cpuTicks(pid) : 0;
  const result = await work();
  cpu[side].push(pid ? ((cpuTicks(pid) - before) * TICK_US) / 1000 / units : Number.NaN);
  return result;
}

/** An empty per-side list of CPU readings for `withRelayCpu`. */
export function cpuReadings(): Record<Side, number[]> {
  return { direct: [], proxy: [], haproxy: [] };
}
