import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdLeaseStore, IpamAllocator, LeaseStore, SqliteLeaseStore } from '@app/ipam';
import { EtcdServer, startEtcd } from '@app/ipam/testing';
import { BenchContext } from './context';
import { interleave, Side } from './interleave';
import { BenchRow } from './result';
import { median, msSince } from './stats';

const RANGE = '10.96.0.0/16';
const COUNT: Record<Side, number> = { direct: 500, proxy: 200, haproxy: 0 };
const ROUNDS = 3;

interface RoundResult {
  allocPerSec: number;
  releasePerSec: number;
}

/**
 * Workload 6: `IpamAllocator.allocate` for N distinct owners one after another, then `release`
 * of each, on a fresh embedded (SQLite) store and on a fresh key prefix of a loopback etcd. The
 * "direct" column is SQLite and the "proxy" column etcd here: the ratio is etcd/embedded.
 */
export async function ipamBench(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.progress('IPAM: starting etcd on loopback');
  const etcd = await startEtcd();
  const dirs: string[] = [];
  try {
    const open = (side: Side, round: number): LeaseStore => {
      if (side === 'proxy') return new EtcdLeaseStore([etcd.endpoint], { prefix: `/bench/${round}/` });
      dirs.push(mkdtempSync(join(tmpdir(), 'wpx-bench-ipam-')));
      return SqliteLeaseStore.open(dirs[dirs.length - 1]);
    };
    ctx.progress(`IPAM: ${ROUNDS} rounds, ${COUNT.direct} allocations on sqlite, ${COUNT.proxy} on etcd`);
    await allocRound(open('proxy', 99), COUNT.proxy / 4); // warm the etcd client and server
    const res = await interleave({ rounds: ROUNDS, budgetMs: 60_000 }, (side: Side, round: number) =>
      allocRound(open(side, round), COUNT[side]),
    );
    const pick = (f: (r: RoundResult) => number) => ({ direct: res.direct.map(f), proxy: res.proxy.map(f) });
    const row = (workload: string, rounds: { direct: number[]; proxy: number[] }): BenchRow => ({
      workload,
      direct: median(rounds.direct),
      proxy: median(rounds.proxy),
      unit: 'ops/s',
      higherIsBetter: true,
      rounds,
      note: 'direct column = embedded SQLite store, proxy column = etcd store (ratio etcd/embedded)',
    });
    return [
      row('IPAM allocate (sqlite | etcd)', pick((r) => r.allocPerSec)),
      { ...row('IPAM release (sqlite | etcd)', pick((r) => r.releasePerSec)), note: undefined },
    ];
  } finally {
    await stopQuietly(etcd);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  }
}

async function allocRound(store: LeaseStore, count: number): Promise<RoundResult> {
  const allocator = new IpamAllocator(store, { range: RANGE, hostId: 'bench' });
  try {
    const owners = Array.from({ length: count }, (_, i) => `bench-owner-${i}`);
    const t0 = process.hrtime.bigint();
    const addresses = new Set<string>();
    for (const owner of owners) addresses.add((await allocator.allocate(owner)).address);
    const allocMs = msSince(t0);
    if (addresses.size !== count) throw new Error(`${addresses.size} distinct addresses for ${count} owners`);
    const t1 = process.hrtime.bigint();
    for (const owner of owners) await allocator.release(owner);
    const releaseMs = msSince(t1);
    return { allocPerSec: (count * 1000) / allocMs, releasePerSec: (count * 1000) / releaseMs };
  } finally {
    await store.close();
  }
}

async function stopQuietly(etcd: EtcdServer): Promise<void> {
  await etcd.stop().catch(() => undefined);
}
