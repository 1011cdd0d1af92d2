import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdSkipReason } from '@app/ipam/testing';
import { docker } from '../support/docker.cli';
import { Cluster, SimHost, inNetns, peersOf, run, startCluster, terminate } from '../support/multihost';
import { uniqueName } from '../support/names';
import { waitFor } from '../support/wait';
import { BenchContext } from './context';
import { BenchRow } from './result';
import { MB, median } from './stats';

const SIZE_MB = 256;
const ROUNDS = 3;
const PORT = 8080;
const PINGS = ['-c', '20', '-i', '0.2', '-q'];
type PathName = 'underlay' | 'same host' | 'cross-host';

/** One way from a client to a server: `fetch` answers seconds for SIZE_MB, `ping` the mean RTT in ms. */
interface BenchPath {
  fetch(): Promise<number>;
  ping(): Promise<number>;
}

/**
 * Workload 8 (issue 16): TCP throughput (busybox `wget` of a SIZE_MB file from busybox `httpd`) and
 * round-trip time (busybox `ping`) between two containers on different simulated hosts (VXLAN over
 * the harness underlay), against the same pair on one host and against the underlay itself
 * (namespace to namespace), in interleaved rounds of one run. Rows compare cross-host ("proxy"
 * column) with each reference ("direct" column). Everything lives in namespaces this bench makes
 * and is torn down at the end. Off with BENCH_MULTIHOST=0; skipped without etcd.
 */
export async function multihostBench(ctx: BenchContext): Promise<BenchRow[]> {
  if (process.env.BENCH_MULTIHOST === '0') return [{ workload: 'cross-host', unit: '', error: 'skipped (BENCH_MULTIHOST=0)' }];
  if (etcdSkipReason) return [{ workload: 'cross-host', unit: '', error: `skipped: ${etcdSkipReason}` }];
  ctx.progress('cross-host: starting two simulated hosts');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const cluster = await startCluster(2, { proxyArgs: ({ dir }) => ['--state-dir', path.join(dir, 'state'), '--iprange', '10.2.1.0/24', '--log-level', 'warn'] });
    cleanups.push(() => cluster.stop());
    const paths = await preparePaths(cluster, cleanups);
    ctx.progress(`cross-host: ${ROUNDS} rounds of a ${SIZE_MB} MB transfer and 20 pings on each path`);
    const seconds = { underlay: [] as number[], 'same host': [] as number[], 'cross-host': [] as number[] };
    const rtt = { underlay: [] as number[], 'same host': [] as number[], 'cross-host': [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(paths) as PathName[]) seconds[name].push(await paths[name].fetch());
    }
    for (const name of Object.keys(paths) as PathName[]) rtt[name].push(await paths[name].ping());
    return rows(seconds, rtt);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: Error) => ctx.progress(`cross-host cleanup: ${err.message}`));
  }
}

function rows(seconds: Record<PathName, number[]>, rtt: Record<PathName, number[]>): BenchRow[] {
  const mbps = (name: PathName) => seconds[name].map((s) => SIZE_MB / s);
  const out: BenchRow[] = [];
  for (const ref of ['underlay', 'same host'] as const) {
    out.push({
      workload: `TCP throughput, cross-host vs ${ref}`, direct: median(mbps(ref)), proxy: median(mbps('cross-host')),
      unit: 'MB/s', higherIsBetter: true, rounds: { direct: mbps(ref), proxy: mbps('cross-host') },
      note: ref === 'underlay' ? 'busybox wget from httpd between containers on two simulated hosts (VXLAN), goal >= 0.8x the underlay' : undefined,
    });
    out.push({ workload: `ping RTT, cross-host vs ${ref}`, direct: median(rtt[ref]), proxy: median(rtt['cross-host']), unit: 'ms', rounds: { direct: rtt[ref], proxy: rtt['cross-host'] } });
  }
  return out;
}

async function preparePaths(cluster: Cluster, cleanups: (() => Promise<unknown>)[]): Promise<Record<PathName, BenchPath>> {
  const [a, b] = cluster.hosts;
  await waitFor('the two hosts see each other', async () => ((await peersOf(a)).live.length === 2 ? true : undefined), { timeoutMs: 20_000 });
  const client = await container(a, '10.2.1.11/24', 'sleep 3600');
  await container(a, '10.2.1.12/24', serveCommand());
  await container(b, '10.2.1.13/24', serveCommand());
  const underlayServer = serveUnderlay(b);
  cleanups.push(() => terminate(underlayServer));
  const inContainer = (target: string): BenchPath => ({
    fetch: () => fetchSeconds(['docker', '-H', a.dockerd.url, 'exec', client, 'sh', '-c'], `time -p wget -q -O /dev/null http://${target}:${PORT}/big`),
    ping: () => pingMs(['docker', '-H', a.dockerd.url, 'exec', client, 'ping', ...PINGS, target]),
  });
  const underlay: BenchPath = {
    fetch: () => fetchSeconds([...inNetns(a.netns), 'busybox', 'sh', '-c'], `busybox time -p busybox wget -q -O /dev/null http://${b.underlayAddress}:${PORT}/big`),
    ping: () => pingMs([...inNetns(a.netns), 'busybox', 'ping', ...PINGS, b.underlayAddress]),
  };
  const paths = { underlay, 'same host': inContainer('10.2.1.12'), 'cross-host': inContainer('10.2.1.13') };
  for (const [name, p] of Object.entries(paths)) {
    await waitFor(`${name} serves`, () => p.fetch().then(() => true, () => undefined), { timeoutMs: 60_000, intervalMs: 1000 }); // also a warm-up
  }
  return paths;
}

// The file lives in the container's /tmp (page cache), made before httpd starts.
function serveCommand(): string {
  return `mkdir -p /srv && dd if=/dev/zero of=/srv/big bs=1048576 count=${SIZE_MB} 2>/dev/null && exec httpd -f -p ${PORT} -h /srv`;
}

function serveUnderlay(h: SimHost): ChildProcess {
  const dir = path.join(h.dir, 'www');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(SIZE_MB * MB));
  const [cmd, ...args] = [...inNetns(h.netns), 'busybox', 'httpd', '-f', '-p', `${h.underlayAddress}:${PORT}`, '-h', dir];
  return spawn(cmd, args, { stdio: 'ignore' });
}

async function container(h: SimHost, cidr: string, cmd: string): Promise<string> {
  const name = uniqueName(`xh-${h.name}`);
  const r = await docker(['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${cidr}`, 'busybox:local', 'sh', '-c', cmd], { host: h.proxy.url, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`docker run on ${h.name}: ${r.stderr.toString().trim()}`);
  return name;
}

/** Runs `script` (a `time -p wget`) through `prefix` (which ends in `sh -c`); answers the real time, seconds. */
async function fetchSeconds(prefix: string[], script: string): Promise<number> {
  const [cmd, ...args] = prefix;
  const out = await run(cmd, [...args, `${script} 2>&1`], 120_000);
  const real = /real\s+(\d+(?:\.\d+)?)/.exec(out);
  if (!real) throw new Error(`no time in ${JSON.stringify(out.slice(0, 200))}`);
  return Math.max(Number(real[1]), 0.01);
}

/** The mean of busybox ping's "round-trip min/avg/max", ms. */
async function pingMs(command: string[]): Promise<number> {
  const [cmd, ...args] = command;
  const out = await run(cmd, args, 60_000);
  const avg = /min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(out);
  if (!avg) throw new Error(`no round-trip line in ${JSON.stringify(out.slice(-200))}`);
  return Number(avg[1]);
}
