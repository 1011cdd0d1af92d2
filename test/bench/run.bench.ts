import { docker } from '../support/docker.cli';
import { uniqueName } from '../support/names';
import { BenchContext, hostOf } from './context';
import { Side } from './interleave';
import { BenchRow } from './result';
import { median, msSince } from './stats';

const RUNS = 8;
const BUDGET_MS = 120_000;
const RUN_TIMEOUT_MS = 60_000;
/** A variant that failed this often is not run again (its row reports the failures). */
const MAX_FAILURES = 3;

interface Variant {
  key: string;
  side: Side;
  env: string[];
}

// Direct runs have no WEAVE_CIDR: dockerd would ignore it; the question is what attaching costs.
const VARIANTS: Variant[] = [
  { key: 'direct', side: 'direct', env: [] },
  { key: 'proxy-cidr', side: 'proxy', env: ['-e', 'WEAVE_CIDR=10.40.0.1/24'] },
  { key: 'proxy-ipam', side: 'proxy', env: ['-e', 'WEAVE_CIDR='] },
  { key: 'proxy-plain', side: 'proxy', env: [] },
  { key: 'haproxy-plain', side: 'haproxy', env: [] },
];

/**
 * Workload 5: `docker run --rm busybox:local true` directly, against the same through the proxy
 * with a static WEAVE_CIDR, with a blank one (IPAM), and with none (plain pass-through); each
 * round runs every variant once, in turn. Median seconds, ratios against the direct runs.
 */
export async function runBench(ctx: BenchContext): Promise<BenchRow[]> {
  const variants = VARIANTS.filter((v) => ctx.sides.includes(v.side));
  ctx.progress(`docker run --rm true: ${RUNS} rounds of ${variants.length} variants`);
  const times: Record<string, number[]> = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
  const failures: Record<string, string[]> = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
  const deadline = Date.now() + BUDGET_MS;
  for (let round = 0; round < RUNS && (round === 0 || Date.now() < deadline); round++) {
    for (const v of variants) {
      if (failures[v.key].length >= MAX_FAILURES) continue;
      try {
        times[v.key].push(await timedRun(hostOf(ctx, v.side), v.env));
      } catch (err) {
        failures[v.key].push((err as Error).message);
      }
    }
  }
  const direct = times.direct;
  if (direct.length === 0) return [{ workload: 'docker run --rm true (direct)', unit: '', error: failures.direct[0] }];
  const row = (key: string, workload: string): BenchRow => {
    const failed = failures[key];
    if (times[key].length === 0) return { workload, unit: '', error: failed[0] };
    const tried = times[key].length + failed.length;
    return {
      workload,
      direct: median(direct),
      proxy: median(times[key]),
      unit: 's',
      rounds: { direct, proxy: times[key] },
      ...haproxyOf(key),
      note: failed.length ? `${failed.length} of ${tried} runs FAILED, e.g.: ${firstLine(failed[0])}` : undefined,
    };
  };
  // HAProxy relays plain calls only: its numbers sit in the no-WEAVE_CIDR row.
  const haproxyOf = (key: string): Partial<BenchRow> =>
    key === 'proxy-plain' && times['haproxy-plain'].length ? { haproxy: median(times['haproxy-plain']) } : {};
  return [
    withGoal(row('proxy-cidr', 'docker run --rm true, WEAVE_CIDR=10.40.0.1/24')),
    row('proxy-ipam', 'docker run --rm true, WEAVE_CIDR= (IPAM)'),
    row('proxy-plain', 'docker run --rm true, no WEAVE_CIDR'),
  ];
}

async function timedRun(host: string, env: string[]): Promise<number> {
  const args = ['run', '--rm', '--name', uniqueName('true'), ...env, 'busybox:local', 'true'];
  const start = process.hrtime.bigint();
  const r = await docker(args, { host, timeoutMs: RUN_TIMEOUT_MS });
  const seconds = msSince(start) / 1000;
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} via ${host}: exit ${r.code}: ${r.stderr.trim()}`);
  return seconds;
}

const firstLine = (message: string): string => message.replace(/\s*\n+\s*/g, ' | ').slice(0, 300);

function withGoal(row: BenchRow): BenchRow {
  const goal = 'goal <= 1.25x (original Weave proxy: 1.8x)';
  return { ...row, note: row.note ? `${goal}; ${row.note}` : goal };
}
