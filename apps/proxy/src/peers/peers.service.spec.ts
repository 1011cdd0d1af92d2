import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { PeerDirectory, PeerRecord } from '@app/mesh';
import { FakeVxlanDriver, MemoryPeerRegistry, MemoryPeerStore } from '@app/mesh/testing';
import { ProxyConfig } from '../config/proxy.config';
import { DataPlaneService } from './data-plane.service';
import { MetricsService } from '../metrics/metrics.service';
import { PeerLinger } from './peer.linger';
import { PeersService } from './peers.service';

const peer = (id: string): PeerRecord => ({ id, address: `192.168.77.${id.length}`, mtu: 1450, hostname: 'h', since: new Date(0).toISOString() });
const OPTIONS = { ttlSeconds: 10, resyncMs: 60_000 };

const silent = pino({ level: 'silent' });

function dataPlane(): { driver: FakeVxlanDriver; plane: DataPlaneService } {
  const driver = new FakeVxlanDriver();
  driver.bridges.add('weave');
  driver.addresses.set('eth0', ['192.168.77.1']);
  return { driver, plane: new DataPlaneService(driver, new ProxyConfig(), silent) };
}

async function gauge(metrics: MetricsService): Promise<Record<string, number>> {
  const { values } = await metrics.peers.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.state), v.value]));
}

describe('PeersService', () => {
  test('without etcd: reports disabled, the gauges stay at zero', async () => {
    const metrics = new MetricsService();
    const service = new PeersService(null, metrics, silent, dataPlane().plane, null);
    await service.onApplicationBootstrap();
    assert.deepEqual(service.report(), { enabled: false });
    await assert.rejects(service.removePeer('bb'), { code: 'WPX_PEERS_DISABLED', status: 400 });
    assert.deepEqual(await gauge(metrics), { live: 0, gone: 0 });
    await service.onApplicationShutdown();
  });

  test('with a registry: live and gone peers in the report and the gauges; leaves at shutdown', async () => {
    const store = new MemoryPeerStore();
    const other = new PeerDirectory(new MemoryPeerRegistry(store), peer('bb'), OPTIONS);
    await other.start();
    const metrics = new MetricsService();
    const { driver, plane } = dataPlane();
    let clock = 0;
    const linger = new PeerLinger(10_000, () => clock);
    const directory = new PeerDirectory(new MemoryPeerRegistry(store), peer('a'), OPTIONS);
    const service = new PeersService(directory, metrics, silent, plane, null, linger);
    await service.onApplicationBootstrap();
    assert.deepEqual(await gauge(metrics), { live: 2, gone: 0 });
    assert.deepEqual(await driver.floodTargets('vxlan-weave'), ['192.168.77.2'], 'flooding to bb');
    await other.stop(false); // crashed: its record stays until its lease expires
    store.expire('bb');
    await new Promise((r) => setImmediate(r));
    const report = service.report();
    assert.equal(report.enabled, true);
    assert.deepEqual(report.enabled && report.live.map((p) => p.id), ['a']);
    assert.deepEqual(report.enabled && report.gone.map((p) => p.id), ['bb']);
    assert.deepEqual(await gauge(metrics), { live: 1, gone: 1 });
    assert.deepEqual(await driver.floodTargets('vxlan-weave'), ['192.168.77.2'], 'a peer that just went keeps its entry (a restart comes back)');
    clock = 10_000;
    await directory.sync(); // the next sync (or the linger's own timer) converges again
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await driver.floodTargets('vxlan-weave'), [], 'no entry for a peer gone longer than the linger');
    await service.onApplicationShutdown();
    assert.deepEqual([...store.records.keys()], [], 'left: its record is gone at once');
  });
});
