import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../support/docker.cli';
import { dockerApi } from '../support/http.client';
import { uniqueName } from '../support/names';
import { freePort, ProxyHandle, startProxy } from '../support/proxy.harness';
import { sleep } from '../support/wait';
import { BenchContext } from './context';
import { queryLoop } from './dns.client';
import { interleave, Side } from './interleave';
import { BenchRow } from './result';
import { median } from './stats';
import { terminate } from '../support/child.process';

const DNSMASQ = '/usr/sbin/dnsmasq';
const WEAVE_ADDRESS = '10.40.2.1';
const FORWARDED = { name: 'fwd.bench.test', address: '192.0.2.10' };
const LOOP = { queries: 5000, concurrency: 16, timeoutMs: 1000, budgetMs: 10_000 };
const ROUNDS = 3;
// The proxy's default per-client limit (--dns-client-rate 5000, burst twice that): a full bucket
// takes 2 s to refill, so each measured proxy round starts with one (under the limit).
const REFILL_MS = 2_000;
// A flood from one client: many queries in flight, short timeouts, so the client keeps sending
// while the server drops; answered/s shows the bound (about the rate once the burst is spent).
const FLOOD = { queries: 60_000, concurrency: 256, timeoutMs: 25, budgetMs: 6_000 };

/** Thrown when the proxy has no DNS server to measure: the row says so instead of failing. */
class DnsSkipped extends Error {}

/**
 * Workload 7: UDP queries per second against a proxy started with `--with-dns` (its own instance,
 * on loopback, forwarding to the dnsmasq below), for a container's weave name and for a name it
 * forwards; the "direct" column is dnsmasq answering both names from a hosts file.
 */
export async function dnsBench(ctx: BenchContext, stateDir: string): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wpx-bench-dns-'));
  const container = uniqueName('dns');
  const weaveName = `${container}.weave.local`;
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  try {
    writeFileSync(join(dir, 'hosts'), `${WEAVE_ADDRESS} ${weaveName}\n${FORWARDED.address} ${FORWARDED.name}\n`);
    const dnsmasqPort = await freePort();
    const dnsmasq = startDnsmasq(dir, dnsmasqPort);
    cleanups.unshift(() => terminate(dnsmasq, 5000));
    const proxyPort = await freePort();
    ctx.progress('DNS: starting a proxy with --with-dns');
    const proxy = await startProxy([
      '--log-level', 'warn', '--state-dir', stateDir, '--with-dns',
      '--dns-listen', `127.0.0.1:${proxyPort}`, '--dns-upstream', `127.0.0.1:${dnsmasqPort}`,
    ]);
    cleanups.unshift(() => stopProxy(proxy));
    const run = await docker(
      ['run', '-d', '--name', container, '-e', `WEAVE_CIDR=${WEAVE_ADDRESS}/24`, 'busybox:local', 'sleep', '600'],
      { host: proxy.url, timeoutMs: 60_000 },
    );
    cleanups.unshift(() => dockerApi('DELETE', `/containers/${container}?force=1&v=1`).catch(() => undefined));
    if (run.code !== 0) throw new Error(`docker run via the DNS proxy: ${run.stderr.trim()}`);
    await waitAnswers(dnsmasqPort, weaveName, 'dnsmasq');
    await waitAnswers(proxyPort, weaveName, 'the proxy', true);
    const ports: Record<Side, number> = { direct: dnsmasqPort, proxy: proxyPort, haproxy: 0 };
    const rows: BenchRow[] = [];
    for (const [label, name] of [['weave name', weaveName], ['forwarded name', FORWARDED.name]]) {
      ctx.progress(`DNS ${label}: ${ROUNDS} rounds of up to ${LOOP.queries} queries each way`);
      for (const side of ['direct', 'proxy'] as const) await queryLoop({ ...LOOP, queries: 500, port: ports[side], name });
      const res = await interleave({ rounds: ROUNDS, budgetMs: 60_000 }, async (side: Side) => {
        if (side === 'proxy') await sleep(REFILL_MS);
        return queryLoop({ ...LOOP, port: ports[side], name });
      });
      const lossy = [...res.direct, ...res.proxy].filter((r) => r.lost + r.bad > 0);
      rows.push({
        workload: `DNS ${label}, one client under the limit (direct = dnsmasq)`,
        direct: median(res.direct.map((r) => r.qps)),
        proxy: median(res.proxy.map((r) => r.qps)),
        unit: 'queries/s',
        higherIsBetter: true,
        rounds: { direct: res.direct.map((r) => r.qps), proxy: res.proxy.map((r) => r.qps) },
        note: lossy.length ? `lost/bad answers in ${lossy.length} rounds: ${JSON.stringify(lossy)}` : undefined,
      });
    }
    rows.push(await floodRow(ctx, ports, weaveName));
    return rows;
  } catch (err) {
    if (err instanceof DnsSkipped) return [{ workload: 'DNS', unit: '', error: `skipped: ${err.message}` }];
    throw err;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

/** One client flooding the weave name: answered queries per second, and how many were dropped. */
async function floodRow(ctx: BenchContext, ports: Record<Side, number>, name: string): Promise<BenchRow> {
  ctx.progress(`DNS flood: ${FLOOD.concurrency} queries in flight from one client for ${FLOOD.budgetMs / 1000} s each way`);
  await sleep(REFILL_MS);
  const res = await interleave({ rounds: 1, budgetMs: 30_000 }, (side: Side) => queryLoop({ ...FLOOD, port: ports[side], name }));
  const [direct, proxy] = [res.direct[0], res.proxy[0]];
  return {
    workload: 'DNS weave name, one client flooding: answered (direct = dnsmasq)',
    direct: direct.qps,
    proxy: proxy.qps,
    unit: 'queries/s',
    note: `the proxy bounds one client (--dns-client-rate): answered/lost dnsmasq ${direct.answered}/${direct.lost}, proxy ${proxy.answered}/${proxy.lost}`,
  };
}

function startDnsmasq(dir: string, port: number): ChildProcess {
  const args = [
    '--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv',
    '--no-hosts', `--addn-hosts=${join(dir, 'hosts')}`, '--user=root', `--pid-file=${join(dir, 'dnsmasq.pid')}`,
  ];
  const child = spawn(DNSMASQ, args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

/** Polls (at most 10 s) until `port` answers an A record for `name`. */
async function waitAnswers(port: number, name: string, who: string, skipIfSilent = false): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await queryLoop({ port, name, queries: 1, concurrency: 1, timeoutMs: 500, budgetMs: 1000 });
    if (r.answered === 1) return;
    await sleep(i < 2 ? 100 : 500);
  }
  const msg = `${who} on 127.0.0.1:${port} gives no A record for ${name} within 10 s`;
  throw skipIfSilent ? new DnsSkipped(msg) : new Error(msg);
}

async function stopProxy(proxy: ProxyHandle): Promise<void> {
  await proxy.stop();
}

