import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRecord } from './peer';
import { PeerDirectory, PeerView } from './peer.directory';
import { MemoryPeerRegistry, MemoryPeerStore } from './testing';

const peer = (id: string, address: string): PeerRecord => ({ id, address, mtu: 1450, hostname: 'same', since: new Date(0).toISOString() });
const OPTIONS = { ttlSeconds: 10, resyncMs: 60_000 };
const ids = (view: PeerView, which: 'live' | 'gone'): string[] => view[which].map((p) => p.id);

function host(store: MemoryPeerStore, id: string, address: string): PeerDirectory {
  return new PeerDirectory(new MemoryPeerRegistry(store), peer(id, address), OPTIONS);
}

/** Resolves once every queued sync (watch-triggered) has run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('PeerDirectory', () => {
  test('hosts see each other: joins, then the watch brings later joiners', async () => {
    const store = new MemoryPeerStore();
    const [a, b] = [host(store, 'aa', '192.168.77.11'), host(store, 'bb', '192.168.77.12')];
    await a.start();
    await b.start();
    await settle();
    assert.deepEqual(ids(a.view(), 'live'), ['aa', 'bb']);
    assert.deepEqual(ids(b.view(), 'live'), ['aa', 'bb']);
    await a.stop(true);
    await b.stop(true);
  });

  test('a peer that leaves or whose lease expires is gone for the others', async () => {
    const store = new MemoryPeerStore();
    const [a, b, c] = [host(store, 'aa', '.11'), host(store, 'bb', '.12'), host(store, 'cc', '.13')];
    for (const h of [a, b, c]) await h.start();
    await b.stop(true);
    await settle();
    assert.deepEqual(ids(a.view(), 'live'), ['aa', 'cc']);
    assert.deepEqual(ids(a.view(), 'gone'), ['bb']);
    await c.stop(false); // crashed: its record stays until the lease expires
    await settle();
    assert.deepEqual(ids(a.view(), 'live'), ['aa', 'cc']);
    store.expire('cc');
    await settle();
    assert.deepEqual(ids(a.view(), 'live'), ['aa']);
    assert.deepEqual(ids(a.view(), 'gone'), ['bb', 'cc']);
    await a.stop(true);
  });

  test('its own lease expiring: it registers again by itself', async () => {
    const store = new MemoryPeerStore();
    const a = host(store, 'aa', '.11');
    await a.start();
    store.expire('aa');
    await settle();
    assert.deepEqual([...store.records.keys()], ['aa']);
    await a.sync();
    assert.deepEqual(ids(a.view(), 'live'), ['aa']);
    await a.stop(true);
  });

  test('store down at start: the error is shown, the last view kept, and the join retried at the next sync', async () => {
    const store = new MemoryPeerStore();
    store.down = true;
    const a = host(store, 'aa', '.11');
    const seen: PeerView[] = [];
    a.onChange((v) => seen.push(v));
    await a.start();
    assert.match(a.view().error ?? '', /peer store .* is unavailable/);
    assert.deepEqual(ids(a.view(), 'live'), []);
    store.down = false;
    await a.sync();
    assert.equal(a.view().error, undefined);
    assert.deepEqual(ids(a.view(), 'live'), ['aa']);
    assert.deepEqual(seen.map((v) => ids(v, 'live')), [[], ['aa']]);
    await a.stop(true);
  });

  test('store down later: live peers are kept (the data plane must not drop them on a store outage)', async () => {
    const store = new MemoryPeerStore();
    const [a, b] = [host(store, 'aa', '.11'), host(store, 'bb', '.12')];
    await a.start();
    await b.start();
    await settle();
    store.down = true;
    await a.sync();
    assert.deepEqual(ids(a.view(), 'live'), ['aa', 'bb']);
    assert.match(a.view().error ?? '', /unavailable/);
    store.down = false;
    await a.stop(true);
    await b.stop(true);
  });

  test('many watch events during one sync coalesce into one more sync', async () => {
    const store = new MemoryPeerStore();
    const a = host(store, 'aa', '.11');
    let lists = 0;
    const registry = new MemoryPeerRegistry(store);
    const counted = Object.assign(Object.create(registry) as MemoryPeerRegistry, {
      list: async () => (lists++, registry.list()),
    });
    const d = new PeerDirectory(counted, peer('dd', '.14'), OPTIONS);
    await d.start();
    lists = 0;
    await Promise.all(Array.from({ length: 20 }, () => d.sync()));
    await settle();
    assert.ok(lists <= 2, `${lists} list calls for 20 triggers`);
    await d.stop(true);
    await a.stop(false);
  });
});
