import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server, Socket } from 'node:net';
import { Etcd3 } from 'etcd3';
import { EtcdLeaseStore } from './etcd.lease-store';
import { IpamAllocator } from './ipam.allocator';
import { Lease } from './lease';
import { EtcdServer, etcdSkipReason, freePort, startEtcd } from './testing/etcd.harness';

const lease = (address: string, owner: string, host: string): Lease => ({
  address,
  prefixLength: 12,
  subnet: '10.32.0.0/12',
  owner,
  host,
  since: new Date(0).toISOString(),
  kind: 'allocated',
});

async function elapsed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = Date.now();
  const error = await work().then(() => undefined, (err: unknown) => err);
  return { ms: Date.now() - start, error };
}

describe('EtcdLeaseStore, store unreachable', () => {
  test('a closed loopback port: WPX_IPAM_STORE_UNAVAILABLE naming the endpoints, within 5 s', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const store = new EtcdLeaseStore([`http://127.0.0.1:${p1}`, `http://127.0.0.1:${p2}`]);
    const ipam = new IpamAllocator(store, { range: '10.32.0.0/12', hostId: 'h' });
    for (const attempt of [() => ipam.allocate('c1'), () => ipam.ping(), () => ipam.release('c1')]) {
      const { ms, error } = await elapsed(attempt);
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.equal((error as { code: string }).code, 'WPX_IPAM_STORE_UNAVAILABLE');
      assert.equal((error as { status: number }).status, 503);
      assert.match((error as Error).message, new RegExp(`^IPAM store etcd://127.0.0.1:${p1},127.0.0.1:${p2} is unavailable: `));
    }
    await store.close();
  });

  test('an endpoint that accepts but never answers: unavailable within the time budget', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = new EtcdLeaseStore([`http://127.0.0.1:${port}`], { timeoutMs: 3000 });
    const { ms, error } = await elapsed(() => store.reserve(lease('10.32.0.1', 'c1', 'h'), true));
    assert.equal((error as { code: string }).code, 'WPX_IPAM_STORE_UNAVAILABLE');
    assert.ok(ms < 4500, `took ${ms} ms`);
    await store.close();
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });
});

describe('EtcdLeaseStore on a real etcd', { skip: etcdSkipReason }, () => {
  let etcd: EtcdServer;
  let raw: Etcd3;
  before(async () => {
    etcd = await startEtcd();
    raw = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    raw?.close();
    await etcd?.stop();
  });

  test('keys are readable and sort by address; owner index and cursor written with the lease', async () => {
    const store = new EtcdLeaseStore([etcd.endpoint]);
    const ipam = new IpamAllocator(store, { range: '10.32.0.0/12', hostId: 'h1' });
    await ipam.allocate('c1', { name: 'web' });
    await ipam.claim('c2', '10.32.0.10', 12);
    const keys = await raw.getAll().prefix('/weave-proxy/ipam/').keys();
    assert.deepEqual(keys.sort(), [
      '/weave-proxy/ipam/addr/010.032.000.001',
      '/weave-proxy/ipam/addr/010.032.000.010',
      '/weave-proxy/ipam/cursor/10.32.0.0/12',
      '/weave-proxy/ipam/owner/c1/010.032.000.001',
      '/weave-proxy/ipam/owner/c2/010.032.000.010',
    ]);
    const stored = JSON.parse((await raw.get('/weave-proxy/ipam/addr/010.032.000.001').string()) as string);
    assert.equal(stored.name, 'web');
    assert.deepEqual(await store.list({ first: '10.32.0.2', last: '10.32.0.10' }), [await ipam.claim('c2', '10.32.0.10', 12)]);
    await ipam.release('c1');
    await ipam.release('c2');
    assert.deepEqual(await raw.getAll().prefix('/weave-proxy/ipam/addr/').keys(), []);
    assert.deepEqual(await raw.getAll().prefix('/weave-proxy/ipam/owner/').keys(), []);
    await store.close();
  });

  test('a host never releases or overwrites a lease another host holds', async () => {
    const [h1, h2] = [new EtcdLeaseStore([etcd.endpoint], { prefix: '/hosts/' }), new EtcdLeaseStore([etcd.endpoint], { prefix: '/hosts/' })];
    const held = lease('10.32.0.5', 'c1', 'host-1');
    assert.deepEqual(await h1.reserve(held, true), { reserved: true, lease: held });
    assert.deepEqual(await h2.reserve(lease('10.32.0.5', 'c9', 'host-2'), true), { reserved: false, holder: held });
    assert.deepEqual(await h2.releaseOwner('c1', 'host-2'), []);
    assert.equal(await h2.release({ ...held, host: 'host-2' }), false);
    assert.deepEqual(await h2.findByOwner('c1'), [held]);
    assert.equal(await h1.release(held), true);
    assert.deepEqual(await h2.list(), []);
    await Promise.all([h1.close(), h2.close()]);
  });
});
