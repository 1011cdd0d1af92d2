import { TestContext, after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdLeaseStore } from './etcd.lease-store';
import { LeaseStore } from './lease.store';
import { SqliteLeaseStore } from './sqlite.lease-store';
import { EtcdServer, etcdSkipReason, startEtcd } from './testing/etcd.harness';
import { runRace } from './testing/race.runner';
import { RaceWorkerConfig } from './testing/race.worker';
import { makeTempDir, removeDir } from './testing/temp-dir';

// 4 processes (as 4 hosts) x 10 concurrent allocations = 40 attempts on a /27 of 30 host addresses.
const WORKERS = 4;
const PER_WORKER = 10;
const SUBNET = '10.32.8.0/27';
const HOSTS = 30;

async function raceOn(t: TestContext, store: RaceWorkerConfig['store'], check: LeaseStore): Promise<void> {
  const configs = Array.from({ length: WORKERS }, (_, i) => ({
    store,
    hostId: `host-${i}`,
    range: '10.32.0.0/12',
    subnet: SUBNET,
    count: PER_WORKER,
  }));
  const { reports } = await runRace(configs);
  const addresses = reports.flatMap((report) => report.addresses);
  const errors = reports.flatMap((report) => report.errors);
  assert.equal(new Set(addresses).size, addresses.length, `an address was handed out twice: ${addresses.sort()}`);
  assert.equal(addresses.length, HOSTS, 'every host address of the subnet was allocated');
  assert.deepEqual(errors, Array(WORKERS * PER_WORKER - HOSTS).fill('WPX_IPAM_EXHAUSTED'));
  assert.ok(addresses.every((a) => a !== '10.32.8.0' && a !== '10.32.8.31'), 'no network or broadcast address');
  const stored = await check.list();
  assert.deepEqual(stored.map((lease) => lease.address).sort(), [...addresses].sort());
  for (const r of reports) t.diagnostic(`${r.hostId}: ${r.addresses.length} allocated, ${r.errors.length} exhausted, ${r.conflicts} lost races`);
}

describe('cross-process allocation race', () => {
  test(`sqlite: ${WORKERS} processes on one file never share an address`, async (t) => {
    const stateDir = makeTempDir('race');
    const check = SqliteLeaseStore.open(stateDir);
    try {
      await raceOn(t, { sqlite: stateDir }, check);
    } finally {
      await check.close();
      removeDir(stateDir);
    }
  });

  describe('etcd', { skip: etcdSkipReason }, () => {
    let etcd: EtcdServer;
    before(async () => {
      etcd = await startEtcd();
    });
    after(() => etcd?.stop());

    test(`${WORKERS} hosts on one etcd never share an address`, async (t) => {
      const prefix = '/race/';
      const check = new EtcdLeaseStore([etcd.endpoint], { prefix });
      try {
        await raceOn(t, { etcd: etcd.endpoint, prefix }, check);
      } finally {
        await check.close();
      }
    });
  });
});
