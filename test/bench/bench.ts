// `npm run bench`: every workload directly against dockerd (or a reference server) and through the
// proxy, interleaved in the same run, reported as medians and proxy/direct ratios. Progress goes to
// stderr; stdout gets the table, the notes and one JSON line with every number.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_SOCKET_URL } from '../support/http.client';
import { removeRunContainers } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { archiveBench } from './archive.bench';
import { BenchContext } from './context';
import { crashLoopBench } from './crashloop.bench';
import { cpuBench } from './cpu.bench';
import { dnsBench } from './dns.bench';
import { load1, otherProxies } from './environment';
import { HaproxyHandle, startHaproxy } from './haproxy';
import { httpBench } from './http.bench';
import { Side } from './interleave';
import { ipamBench } from './ipam.bench';
import { logsBench } from './logs.bench';
import { multihostBench } from './multihost.bench';
import { BenchRow, errorRow, ratioOf } from './result';
import { RssSampler } from './rss.sampler';
import { runBench } from './run.bench';
import { stdinBench } from './stdin.bench';
import { round3 } from './stats';
import { formatNotes, formatTable } from './table';

type Workload = (ctx: BenchContext) => Promise<BenchRow[]>;

/** Through the main proxy (and HAProxy), each with its own peak-RSS phase. */
const PROXIED: [string, Workload][] = [
  ['http', httpBench],
  ['logs', logsBench],
  ['archive', archiveBench],
  ['stdin', stdinBench],
  ['docker run', runBench],
  ['crash loop', crashLoopBench],
];

/**
 * WPX_BENCH_ONLY=CPU,http,archive runs only the named workloads (CPU, http, logs, archive, stdin,
 * docker run, crash loop, IPAM, DNS, cross-host; case-insensitive), for a quick look while working on one of them.
 */
const ONLY = process.env.WPX_BENCH_ONLY?.toLowerCase().split(',').map((s) => s.trim());
const selected = (name: string): boolean => !ONLY || ONLY.includes(name.toLowerCase());

const progress = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

async function main(): Promise<number> {
  const started = Date.now();
  const stateDir = mkdtempSync(join(tmpdir(), 'wpx-bench-state-'));
  const rows: BenchRow[] = [];
  const env = new EnvironmentWatch();
  let proxy: ProxyHandle | undefined;
  let haproxy: HaproxyHandle | undefined;
  const stopOnSignal = (): void => void cleanup(proxy, stateDir, haproxy).finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    progress('starting the proxy');
    proxy = await startProxy(['--log-level', 'warn', '--state-dir', join(stateDir, 'main')]);
    haproxy = await guardedStart();
    const sides: Side[] = haproxy ? ['direct', 'proxy', 'haproxy'] : ['direct', 'proxy'];
    const pids = { direct: dockerdPid(), proxy: proxy.process!.pid!, haproxy: haproxy?.pid };
    const ctx: BenchContext = { hosts: { direct: DOCKER_SOCKET_URL, proxy: proxy.url, haproxy: haproxy?.url }, sides, pids, progress };
    const rss = new RssSampler(proxy.process!.pid!);
    env.ownPids.push(proxy.process!.pid!);
    env.look();
    if (selected('CPU')) rows.push(...(await guarded('CPU', () => rss.phase('CPU', () => cpuBench(ctx, pids)))));
    for (const [name, workload] of PROXIED.filter(([n]) => selected(n))) {
      rows.push(...(await guarded(name, () => rss.phase(name, () => workload(ctx)))));
      env.look();
    }
    rows.push(...rss.finish());
    await proxy.stop();
    proxy = undefined;
    await haproxy?.stop();
    haproxy = undefined;
    if (selected('IPAM')) rows.push(...(await guarded('IPAM', () => ipamBench(ctx))));
    if (selected('DNS')) rows.push(...(await guarded('DNS', () => dnsBench(ctx, join(stateDir, 'dns')))));
    if (selected('cross-host')) rows.push(...(await guarded('cross-host', () => multihostBench(ctx))));
  } catch (err) {
    rows.push(errorRow('proxy', err));
  } finally {
    await cleanup(proxy, stateDir, haproxy);
  }
  env.look();
  report(rows, env, (Date.now() - started) / 1000);
  return 0;
}

/** No workload may take longer than this; a stuck one becomes an error row and the rest still run. */
const WORKLOAD_LIMIT_MS = 180_000;

/** A workload that throws (or hangs past the limit) becomes one row carrying its error. */
async function guarded(name: string, work: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${WORKLOAD_LIMIT_MS / 1000} s`)), WORKLOAD_LIMIT_MS);
  });
  try {
    return await Promise.race([work(), limit]);
  } catch (err) {
    progress(`${name} failed: ${(err as Error).stack ?? err}`);
    return [errorRow(name, err)];
  } finally {
    clearTimeout(timer);
  }
}

async function cleanup(proxy: ProxyHandle | undefined, stateDir: string, haproxy?: HaproxyHandle): Promise<void> {
  await proxy?.stop().catch(() => undefined);
  await haproxy?.stop().catch(() => undefined);
  await removeRunContainers().catch((err) => progress(`cleanup: ${(err as Error).message}`));
  rmSync(stateDir, { recursive: true, force: true });
}

/** HAProxy as the reference relay; without it (not installed, or it fails) only two sides run. */
async function guardedStart(): Promise<HaproxyHandle | undefined> {
  try {
    const h = await startHaproxy();
    progress(h ? `HAProxy (mode tcp) on ${h.url}` : 'HAProxy not installed: no reference relay column');
    return h;
  } catch (err) {
    progress(`HAProxy did not start: ${(err as Error).message}`);
    return undefined;
  }
}

/** dockerd's pid (for its CPU per request), from its pid file; undefined when unreadable. */
function dockerdPid(): number | undefined {
  try {
    return Number(readFileSync('/var/run/docker.pid', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** What else ran on the machine: load averages and other proxies (they reconcile our containers too). */
class EnvironmentWatch {
  readonly ownPids: number[] = [];
  readonly loads: number[] = [load1()];
  readonly proxies = new Set<string>();

  look(): void {
    this.loads.push(load1());
    for (const p of otherProxies(this.ownPids)) this.proxies.add(p);
  }
}

function report(rows: BenchRow[], env: EnvironmentWatch, wallSeconds: number): void {
  const out: string[] = ['', formatTable(rows)];
  const notes = formatNotes(rows);
  if (notes) out.push('', 'notes:', notes);
  out.push('', `cores ${cpus().length}, 1-min load average at start/after each workload: ${env.loads.join(' ')}`);
  if (env.proxies.size) {
    out.push(`WARNING: other weave proxies ran on this host during the benchmark (shared CPU, and they attach`);
    out.push(`containers with WEAVE_CIDR too):`, ...[...env.proxies].map((p) => `  pid ${p}`));
  }
  out.push(`wall time ${wallSeconds.toFixed(1)} s`, '');
  process.stdout.write(out.join('\n'));
  const json = rows.map((r) => ({ ...r, ratio: round3(ratioOf(r) ?? Number.NaN) }));
  const environment = { cores: cpus().length, load1: env.loads, otherProxies: [...env.proxies] };
  process.stdout.write(`${JSON.stringify({ bench: 'weave-proxy', wallSeconds, environment, rows: json })}\n`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
