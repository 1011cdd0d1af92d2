import * as http from 'node:http';
import { endpointOf } from '../support/http.client';
import { BenchContext } from './context';
import { interleave, Side } from './interleave';
import { BenchRow } from './result';
import { median, msSince, percentile } from './stats';

interface HttpCase {
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
const ROUNDS = 5;
const ROUND_LIMIT_MS = 20_000;
const CASE_BUDGET_MS = 40_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Workload 1: small GETs with keep-alive connections (dockerd over its unix socket, the proxy over
 * loopback TCP), `requests` per round spread over `concurrency` workers; latency p50/p99 and req/s.
 */
export async function httpBench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    const name = `GET ${c.path} c=${c.concurrency}`;
    ctx.progress(`${name}: ${ROUNDS} rounds x ${c.requests} requests each way`);
    const agents = { direct: agentFor(c.concurrency), proxy: agentFor(c.concurrency) };
    try {
      for (const side of ['direct', 'proxy'] as const) await runRound(ctx.hosts[side], agents[side], { ...c, requests: 100 });
      const res = await interleave({ rounds: ROUNDS, budgetMs: CASE_BUDGET_MS }, (side: Side) =>
        runRound(ctx.hosts[side], agents[side], c),
      );
      const pick = (f: (r: RoundResult) => number) => ({ direct: res.direct.map(f), proxy: res.proxy.map(f) });
      rows.push(row(`${name} p50`, pick((r) => r.p50), 'ms'));
      rows.push(row(`${name} p99`, pick((r) => r.p99), 'ms'));
      rows.push({ ...row(`${name} throughput`, pick((r) => r.rps), 'req/s'), higherIsBetter: true });
    } catch (err) {
      rows.push({ workload: name, unit: '', error: (err as Error).message });
    } finally {
      agents.direct.destroy();
      agents.proxy.destroy();
    }
  }
  return rows;
}

function row(workload: string, rounds: { direct: number[]; proxy: number[] }, unit: string): BenchRow {
  return { workload, direct: median(rounds.direct), proxy: median(rounds.proxy), unit, rounds };
}

const agentFor = (concurrency: number): http.Agent =>
  new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });

/** One round: `requests` GETs by `concurrency` workers sharing a counter; stops early at the time limit. */
async function runRound(host: string, agent: http.Agent, c: HttpCase): Promise<RoundResult> {
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
