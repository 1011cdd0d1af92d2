import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdServer, etcdSkipReason, freePort, startEtcd } from '@app/ipam/testing';
import { EtcdPeerRegistry } from './etcd.peer-registry';
import { PeerRecord } from './peer';
import { PeerStoreUnavailableError } from './peer.registry';

const peer = (id: string): PeerRecord => ({ id, address: '192.168.77.11', mtu: 1450, hostname: 'h', since: new Date(0).toISOString() });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('EtcdPeerRegistry on a real etcd', { skip: etcdSkipReason }, () => {
  let etcd: EtcdServer;
  before(async () => (etcd = await startEtcd()));
  after(async () => etcd?.stop());
  const prefix = (): string => `/t${Math.random().toString(16).slice(2)}/`;

  test('two peers join and list each other; a watch hears a join and a leave', async () => {
    const p = prefix();
    const [a, b] = [new EtcdPeerRegistry([etcd.endpoint], { prefix: p }), new EtcdPeerRegistry([etcd.endpoint], { prefix: p })];
    await a.join(peer('aa'), 5);
    let events = 0;
    const stop = await a.watch(() => events++);
    await b.join(peer('bb'), 5);
    assert.deepEqual((await a.list()).map((x) => x.id), ['aa', 'bb']);
    await until('a watch event', async () => (events > 0 ? true : undefined));
    await b.leave();
    assert.deepEqual((await a.list()).map((x) => x.id), ['aa'], 'gone at once on leave');
    stop();
    await a.close();
    await b.close();
  });

  test('a peer that stops without leaving is gone when its lease expires', async () => {
    const p = prefix();
    const [a, b] = [new EtcdPeerRegistry([etcd.endpoint], { prefix: p }), new EtcdPeerRegistry([etcd.endpoint], { prefix: p })];
    await a.join(peer('aa'), 5);
    await b.join(peer('bb'), 2);
    await b.close();
    assert.deepEqual((await a.list()).map((x) => x.id), ['aa', 'bb']);
    await until('bb expired', async () => ((await a.list()).length === 1 ? true : undefined));
    await a.close();
  });

  test('its lease revoked behind its back: it registers again under a new lease', async () => {
    const p = prefix();
    const a = new EtcdPeerRegistry([etcd.endpoint], { prefix: p });
    const lost: Error[] = [];
    await a.join(peer('aa'), 3, (e) => lost.push(e));
    const admin = new Etcd3({ hosts: [etcd.endpoint] });
    const leaseOf = async () => (await admin.get(`${p}aa`).exec()).kvs[0]?.lease;
    const first = await leaseOf();
    await admin.leaseClient.leaseRevoke({ ID: first! });
    const second = await until('re-registered', async () => {
      const l = await leaseOf();
      return l && l !== first ? l : undefined;
    });
    assert.notEqual(second, first);
    assert.ok(lost.length >= 1, 'onLost told');
    await a.close();
    admin.close();
  });

  test('store unreachable: PeerStoreUnavailableError naming it, within the budget', async () => {
    const port = await freePort();
    const a = new EtcdPeerRegistry([`http://127.0.0.1:${port}`], { timeoutMs: 1500 });
    for (const call of [() => a.join(peer('aa'), 5), () => a.list()]) {
      const started = Date.now();
      const err = await call().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof PeerStoreUnavailableError, String(err));
      assert.match((err as Error).message, new RegExp(`^peer store etcd://127.0.0.1:${port} is unavailable: `));
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    }
    await a.close();
  });

  test('store unreachable after a join: the lost lease is retried at a pace, never in a loop (CPU stays low)', async () => {
    const port = await freePort();
    const a = new EtcdPeerRegistry([`http://127.0.0.1:${port}`], { timeoutMs: 1500 });
    const lost: Error[] = [];
    await a.join(peer('aa'), 1, (e) => lost.push(e)).catch(() => undefined);
    const cpuBefore = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 3000));
    const cpu = process.cpuUsage(cpuBefore);
    await a.close();
    // Before: each lost lease was replaced at once by one that failed at once, thousands a second.
    assert.ok(lost.length <= 10, `${lost.length} lease losses reported in 3 s`);
    assert.ok(cpu.user + cpu.system < 1_500_000, `${(cpu.user + cpu.system) / 1000} ms of CPU in 3 s`);
  });
});
