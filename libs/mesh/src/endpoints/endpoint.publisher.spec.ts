import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRecord } from '../peer';
import { MemoryEndpointRegistry, MemoryPeerRegistry, MemoryPeerStore } from '../testing';
import { EndpointRecord } from './endpoint';
import { EndpointPublisher } from './endpoint.publisher';

const peer = (id: string): PeerRecord => ({ id, address: '192.168.77.11', mtu: 1450, hostname: 'h', since: '' });
const ep = (n: number, extra: Partial<EndpointRecord> = {}): EndpointRecord => ({
  peerId: 'aa', containerId: `c${n}`, name: `c${n}`, fqdns: [`c${n}.weave.local`], addresses: [`10.2.1.${n}/24`], mac: `02:57:0a:02:01:0${n}`, ...extra,
});

async function setup(): Promise<{ store: MemoryPeerStore; registry: MemoryEndpointRegistry; publisher: EndpointPublisher; published: () => string[] }> {
  const store = new MemoryPeerStore();
  await new MemoryPeerRegistry(store).join(peer('aa'), 10);
  const registry = new MemoryEndpointRegistry(store);
  const published = () => [...store.endpoints.keys()].sort();
  return { store, registry, publisher: new EndpointPublisher(registry, 'aa'), published };
}

describe('EndpointPublisher', () => {
  test('publishes the wanted set, rewrites a changed record, deletes one no longer attached', async () => {
    const { publisher, published, store } = await setup();
    assert.deepEqual((await publisher.converge([ep(1), ep(2)])).put, ['c1', 'c2']);
    const change = await publisher.converge([ep(1, { addresses: ['10.2.1.7/24'] })]);
    assert.deepEqual([change.put, change.removed, change.errors], [['c1'], ['c2'], []]);
    assert.deepEqual(published(), ['aa/c1']);
    assert.deepEqual(store.endpoints.get('aa/c1')?.addresses, ['10.2.1.7/24']);
  });

  test('converged: a second call reads once and writes nothing', async () => {
    const { publisher, registry } = await setup();
    await publisher.converge([ep(1)]);
    registry.calls.length = 0;
    assert.deepEqual(await publisher.converge([ep(1)]), { put: [], removed: [], errors: [] });
    assert.deepEqual(registry.calls, ['list']);
  });

  test('another peer\'s records are never touched', async () => {
    const { publisher, store, published } = await setup();
    await new MemoryPeerRegistry(store).join(peer('bb'), 10);
    await new MemoryEndpointRegistry(store).put(ep(5, { peerId: 'bb' }));
    await publisher.converge([]);
    assert.deepEqual(published(), ['bb/c5']);
  });

  test('store failing twice, then halfway (applied, reply lost), then slowly: it converges all the same', async () => {
    const { publisher, registry, published } = await setup();
    registry.faults.push('fail', 'fail');
    assert.match((await publisher.converge([ep(1), ep(2)])).errors.join(), /reading: .*connection refused/);
    assert.match((await publisher.converge([ep(1), ep(2)])).errors.join(), /reading: /);
    registry.faults.push('ok', 'lost-reply');
    const halfway = await publisher.converge([ep(1), ep(2)]);
    assert.deepEqual(halfway.put, ['c2']);
    assert.match(halfway.errors.join(), /writing c1: .*deadline exceeded/);
    assert.deepEqual(published(), ['aa/c1', 'aa/c2'], 'the write whose reply was lost did happen');
    registry.faults.push({ slowMs: 20 }, { slowMs: 20 });
    assert.deepEqual(await publisher.converge([ep(1), ep(2)]), { put: [], removed: [], errors: [] });
  });

  test('its lease expired and re-granted: the records gone with it are published again', async () => {
    const { publisher, store, published } = await setup();
    await publisher.converge([ep(1)]);
    store.expire('aa'); // the owner re-joins by itself, as the etcd adapter does
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(published(), []);
    assert.deepEqual((await publisher.converge([ep(1)])).put, ['c1']);
  });

  test('not joined (no lease): the write fails and is retried by the next call', async () => {
    const store = new MemoryPeerStore();
    const publisher = new EndpointPublisher(new MemoryEndpointRegistry(store), 'aa');
    assert.match((await publisher.converge([ep(1)])).errors.join(), /writing c1: .*lease not found/);
    await new MemoryPeerRegistry(store).join(peer('aa'), 10);
    assert.deepEqual((await publisher.converge([ep(1)])).put, ['c1']);
  });

  test('overlapping calls run one after the other; the last set wins', async () => {
    const { publisher, published } = await setup();
    const results = await Promise.all([publisher.converge([ep(1)]), publisher.converge([ep(2)]), publisher.converge([ep(2), ep(3)])]);
    assert.deepEqual(published(), ['aa/c2', 'aa/c3']);
    assert.deepEqual(results.flatMap((r) => r.errors), []);
  });
});
