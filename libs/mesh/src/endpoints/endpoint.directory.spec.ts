import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRecord } from '../peer';
import { MemoryEndpointRegistry, MemoryPeerRegistry, MemoryPeerStore } from '../testing';
import { EndpointRecord } from './endpoint';
import { EndpointDirectory, EndpointView } from './endpoint.directory';

const peer = (id: string): PeerRecord => ({ id, address: '192.168.77.11', mtu: 1450, hostname: 'h', since: '' });
const ep = (peerId: string, n: number): EndpointRecord => ({
  peerId, containerId: `c${n}`, name: `c${n}`, fqdns: [`c${n}.weave.local`], addresses: [`10.2.1.${n}/24`], mac: `02:57:0a:02:01:0${n}`,
});
const keys = (v: EndpointView) => v.records.map((r) => `${r.peerId}/${r.containerId}`);
const settle = () => new Promise((r) => setTimeout(r, 5));

async function setup(): Promise<{ store: MemoryPeerStore; writer: MemoryEndpointRegistry; reader: MemoryEndpointRegistry; dir: EndpointDirectory }> {
  const store = new MemoryPeerStore();
  for (const id of ['aa', 'bb']) await new MemoryPeerRegistry(store).join(peer(id), 10);
  const reader = new MemoryEndpointRegistry(store);
  return { store, writer: new MemoryEndpointRegistry(store), reader, dir: new EndpointDirectory(reader, 60_000) };
}

describe('EndpointDirectory', () => {
  test('reads every peer\'s records at start and follows puts and deletes through the watch', async () => {
    const { writer, dir } = await setup();
    await writer.put(ep('aa', 1));
    await dir.start();
    assert.deepEqual(keys(dir.view()), ['aa/c1']);
    await writer.put(ep('bb', 2));
    await writer.remove('aa', 'c1');
    await settle();
    assert.deepEqual(keys(dir.view()), ['bb/c2']);
    dir.stop();
  });

  test('a peer whose lease expires takes its records with it', async () => {
    const { store, writer, dir } = await setup();
    await writer.put(ep('aa', 1));
    await writer.put(ep('bb', 2));
    await dir.start();
    store.lost.delete('bb'); // crashed: nobody re-joins for it
    store.expire('bb');
    await settle();
    assert.deepEqual(keys(dir.view()), ['aa/c1']);
    dir.stop();
  });

  test('events repeated (twice each) or missed change nothing: each sync reads the whole list', async () => {
    const { store, writer, dir } = await setup();
    store.duplicateEvents = true;
    const seen: string[][] = [];
    dir.onChange((v) => seen.push(keys(v)));
    await dir.start();
    await writer.put(ep('aa', 1));
    await settle();
    assert.deepEqual(keys(dir.view()), ['aa/c1']);
    store.endpoints.set('bb/c2', ep('bb', 2)); // written without any event
    await dir.sync(); // the periodic resync
    assert.deepEqual(keys(dir.view()), ['aa/c1', 'bb/c2']);
    assert.ok(seen.length <= 4, `coalesced: ${seen.length} syncs`);
    dir.stop();
  });

  test('store down or failing twice: the last known records stay, the error is shown, then cleared', async () => {
    const { writer, reader, dir } = await setup();
    await writer.put(ep('aa', 1));
    await dir.start();
    reader.faults.push('fail', 'fail');
    await dir.sync();
    assert.deepEqual(keys(dir.view()), ['aa/c1']);
    assert.match(dir.view().error ?? '', /connection refused/);
    await dir.sync();
    assert.match(dir.view().error ?? '', /connection refused/);
    await dir.sync();
    assert.equal(dir.view().error, undefined);
    dir.stop();
  });

  test('slow store: a sync asked for while one runs is one more run after it, with the newest list', async () => {
    const { writer, reader, dir } = await setup();
    await dir.start();
    reader.faults.push({ slowMs: 30 });
    const slow = dir.sync();
    await writer.put(ep('bb', 2));
    await slow;
    await settle();
    await dir.sync();
    assert.deepEqual(keys(dir.view()), ['bb/c2']);
    dir.stop();
  });
});
