import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { PeerDirectory, PeerRecord } from '@app/mesh';
import { FakeVxlanDriver, MemoryEndpointRegistry, MemoryPeerRegistry, MemoryPeerStore } from '@app/mesh/testing';
import { ContainerStatus, ContainerStatusStore } from '../controller/container.status';
import { ProxyConfig } from '../config/proxy.config';
import { DataPlaneService, VXLAN_DEVICE } from './data-plane.service';
import { EndpointsService } from './endpoints.service';

const silent = pino({ level: 'silent' });
const OPTIONS = { ttlSeconds: 10, resyncMs: 60_000 };
const peer = (id: string, n: number): PeerRecord => ({ id, address: `192.168.77.${n}`, mtu: 1450, hostname: 'h', since: '' });
const status = (id: string, n: number, phase: ContainerStatus['phase'] = 'attached'): ContainerStatus => ({
  id, name: id, ours: true, phase, addresses: [`10.2.1.${n}/24`], hostname: id, domainname: 'Weave.Local.',
  mac: `02:57:0A:02:01:0${n}`, lastReconcile: '',
});

/** One simulated host: its statuses, peer directory, endpoints service and fake kernel. */
async function host(store: MemoryPeerStore, id: string, n: number) {
  const driver = new FakeVxlanDriver();
  driver.bridges.add('weave');
  driver.addresses.set('eth0', [`192.168.77.${n}`]);
  const statuses = new ContainerStatusStore();
  const directory = new PeerDirectory(new MemoryPeerRegistry(store), peer(id, n), OPTIONS);
  const plane = new DataPlaneService(driver, new ProxyConfig(), silent);
  directory.onChange((view) => void plane.converge(view));
  const endpoints = new EndpointsService(new MemoryEndpointRegistry(store), directory, statuses, plane, silent);
  await directory.start();
  await endpoints.start();
  const macs = async () => (await driver.macTargets(VXLAN_DEVICE).catch(() => [])).map((t) => `${t.mac}>${t.address}`);
  return { statuses, directory, endpoints, macs };
}

async function until(what: string, probe: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; !(await probe()); i++) {
    if (i > 200) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('EndpointsService', () => {
  test('an attached container of A is published; B names it and points its MAC at A; a stopped one goes', async () => {
    const store = new MemoryPeerStore();
    const [a, b] = [await host(store, 'aa', 11), await host(store, 'bb', 12)];
    a.statuses.set(status('c1', 1));
    a.statuses.set(status('c9', 9, 'waiting'));
    await until('published', () => store.endpoints.size === 1);
    assert.deepEqual(store.endpoints.get('aa/c1'), {
      peerId: 'aa', containerId: 'c1', name: 'c1', fqdns: ['c1.weave.local'], addresses: ['10.2.1.1/24'], mac: '02:57:0a:02:01:01',
    });
    await until('B sees it', () => b.endpoints.remote().length === 1);
    assert.deepEqual(a.endpoints.remote(), [], 'its own containers are the controller\'s to tell');
    await until('B points the MAC at A', async () => (await b.macs()).join() === '02:57:0a:02:01:01>192.168.77.11');
    a.statuses.set(status('c1', 1, 'stopped'));
    await until('unpublished', () => store.endpoints.size === 0);
    await until('B forgot it', async () => b.endpoints.remote().length === 0 && (await b.macs()).length === 0);
    a.endpoints.stop();
    b.endpoints.stop();
  });

  test('A crashes: when its lease expires B drops its names and FDB entries; a record removed by hand comes back', async () => {
    const store = new MemoryPeerStore();
    const [a, b] = [await host(store, 'aa', 11), await host(store, 'bb', 12)];
    b.statuses.set(status('c2', 2));
    a.statuses.set(status('c1', 1));
    await until('both published', () => store.endpoints.size === 2);
    store.endpoints.delete('bb/c2'); // by hand, without an event
    await b.endpoints['publish'].run(); // the periodic re-publish
    assert.ok(store.endpoints.has('bb/c2'));
    await until('B points at A', async () => (await b.macs()).length === 1);
    a.endpoints.stop();
    await a.directory.stop(false);
    store.expire('aa');
    await until('A gone on B', async () => b.endpoints.remote().length === 0 && (await b.macs()).length === 0);
    assert.deepEqual([...store.endpoints.keys()], ['bb/c2']);
    b.endpoints.stop();
  });

  test('its lease lost and re-granted (etcd unreachable too long): its records are put back at once', async () => {
    const store = new MemoryPeerStore();
    const a = await host(store, 'aa', 11);
    a.statuses.set(status('c1', 1));
    await until('published', () => store.endpoints.size === 1);
    store.expire('aa'); // the registry re-joins by itself under a new lease; the records went with the old
    await until('re-published without a status change or the period', () => store.endpoints.has('aa/c1'));
    a.endpoints.stop();
  });

  test('without etcd: nothing runs, no remote records', async () => {
    const plane = new DataPlaneService(new FakeVxlanDriver(), new ProxyConfig(), silent);
    const service = new EndpointsService(null, null, new ContainerStatusStore(), plane, silent);
    await service.start();
    assert.deepEqual(service.remote(), []);
    service.stop();
  });
});
