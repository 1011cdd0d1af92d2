import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdServer, etcdSkipReason, startEtcd } from '@app/ipam/testing';
import { EtcdPeerRegistry } from '../etcd.peer-registry';
import { PeerRecord } from '../peer';
import { PeerStoreUnavailableError } from '../peer.registry';
import { EndpointRecord } from './endpoint';

const peer = (id: string): PeerRecord => ({ id, address: '192.168.77.11', mtu: 1450, hostname: 'h', since: new Date(0).toISOString() });
const ep = (peerId: string, n: number): EndpointRecord => ({
  peerId, containerId: `c${n}`, name: `c${n}`, fqdns: [`c${n}.weave.local`], addresses: [`10.2.1.${n}/24`], mac: `02:57:0a:02:01:0${n}`,
});

async function until(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await probe()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('EtcdEndpointRegistry on a real etcd', { skip: etcdSkipReason }, () => {
  let etcd: EtcdServer;
  before(async () => (etcd = await startEtcd()));
  after(async () => etcd?.stop());
  const prefixes = () => {
    const p = `/t${Math.random().toString(16).slice(2)}`;
    return { peers: `${p}/peers/`, endpoints: `${p}/endpoints/` };
  };
  const pair = (p: { peers: string; endpoints: string }) => {
    const registry = new EtcdPeerRegistry([etcd.endpoint], { prefix: p.peers });
    return { registry, endpoints: registry.endpointRegistry(p.endpoints) };
  };

  test('put before join rejects; after it, records list by peer and a watch hears them', async () => {
    const p = prefixes();
    const [a, b] = [pair(p), pair(p)];
    await assert.rejects(a.endpoints.put(ep('aa', 1)), PeerStoreUnavailableError);
    await a.registry.join(peer('aa'), 5);
    await b.registry.join(peer('bb'), 5);
    let events = 0;
    const stop = await b.endpoints.watch(() => events++);
    await a.endpoints.put(ep('aa', 1));
    await b.endpoints.put(ep('bb', 2));
    assert.deepEqual(await b.endpoints.list(), [ep('aa', 1), ep('bb', 2)]);
    assert.deepEqual(await b.endpoints.list('aa'), [ep('aa', 1)]);
    assert.deepEqual((await a.registry.list()).map((x) => x.id), ['aa', 'bb'], 'the peer list is not polluted');
    await until('watch events', async () => events >= 2);
    await b.endpoints.remove('bb', 'c2');
    await b.endpoints.remove('bb', 'c2');
    assert.deepEqual(await a.endpoints.list(), [ep('aa', 1)]);
    stop();
    await a.registry.close();
    await b.registry.close();
  });

  test('records go with their peer: at once on leave, when the lease expires after a crash', async () => {
    const p = prefixes();
    const [a, b, c] = [pair(p), pair(p), pair(p)];
    await a.registry.join(peer('aa'), 5);
    await b.registry.join(peer('bb'), 5);
    await c.registry.join(peer('cc'), 2);
    for (const [x, id] of [[a, 'aa'], [b, 'bb'], [c, 'cc']] as const) await x.endpoints.put(ep(id, id.length));
    await b.registry.leave();
    assert.deepEqual((await a.endpoints.list()).map((r) => r.peerId), ['aa', 'cc']);
    await c.registry.close();
    await until('cc expired', async () => (await a.endpoints.list()).length === 1);
    await a.registry.close();
    await b.registry.close();
  });
});
