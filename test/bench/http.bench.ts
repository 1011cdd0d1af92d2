import * as http from 'node:http';
import { endpointOf } from '../support/http.client';
import { BenchContext, hostOf } from './context';
import { interleave, Side } from './interleave';
import { BenchRow, sidedRow } from './result';
import { msSince, percentile } from './stats';

export interface HttpCase {
  path: string;
  concurrency: number;
  requests: number;
}

interface RoundResult {
  p50: number;
  p99: number;
  rps: number;
}

const CASES: HttpCase[] = [
  { path: '/_ping', concurrency: 1, requests: 500 },
  { path: '/_ping', concurrency: 32, requests: 2000 },
  { path: '/containers/json', concurrency: 1, requests: 500 },
  { path: '/containers/json', concurrency: 32, requests: 2000 },
];
const ROUNDS = 3;
const ROUND_LIMIT_MS = 20_000;
const CASE_BUDGET_MS = 40_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Workload 1: small GETs with keep-alive connections (dockerd over its unix socket, the proxy and
 * HAProxy over loopback TCP), `requests` per round spread over `concurrency` workers; latency
 * p50/p99 and req/s.
 */
export async function httpBench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    const name = `GET ${c.path} c=${c.concurrency}`;
    ctx.progress(`${name}: ${ROUNDS} rounds x ${c.requests} requests each way`);
    const agents = Object.fromEntries(ctx.sides.map((side) => [side, agentFor(c.concurrency)])) as Record<Side, http.Agent>;
    try {
      for (const side of ctx.sides) await runRound(hostOf(ctx, side), agents[side], { ...c, requests: 100 });
      const res = await interleave({ rounds: ROUNDS, budgetMs: CASE_BUDGET_MS, sides: ctx.sides }, (side: Side) =>
        runRound(hostOf(ctx, side), agents[side], c),
      );
      const pick = (f: (r: RoundResult) => number) =>
        ({ direct: res.direct.map(f), proxy: res.proxy.map(f), haproxy: res.haproxy.map(f) });
      rows.push(sidedRow(`${name} p50`, pick((r) => r.p50), 'ms'));
      rows.push(sidedRow(`${name} p99`, pick((r) => r.p99), 'ms'));
      rows.push(sidedRow(`${name} throughput`, pick((r) => r.rps), 'req/s', true));
    } catch (err) {
      rows.push({ workload: name, unit: '', error: (err as Error).message });
    } finally {
      for (const agent of Object.values(agents)) agent.destroy();
    }
  }
  return rows;
}

export const agentFor = (concurrency: number): http.Agent =>
  new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

/** One round: `requests` GETs by `concurrency` workers sharing a counter; stops early at the time limit. */
export async function runRound(host: string, agent: http.Agent, c: HttpCase): Promise<RoundResult> {
  const target = { ...endpointOf(host), agent, path: c.path };
  const latencies: number[] = [];
  const deadline = Date.now() + ROUND_LIMIT_MS;
  let issued = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (issued < c.requests && Date.now() < deadline) {
      issued += 1;
      const t0 = process.hrtime.bigint();
      await get(target);
      latencies.push(msSince(t0));
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, worker));
  const elapsedMs = msSince(start);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), rps: (latencies.length * 1000) / elapsedMs };
}

/** One GET whose body is read and dropped; anything but 200 is an error. */
function get(target: http.RequestOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(target, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${target.path}: status ${res.statusCode}`));
        return;
      }
      res.on('data', () => undefined);
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${target.path}: no answer in time`)));
    req.on('error', reject);
  });
}
