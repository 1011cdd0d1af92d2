import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { PeerRecord, PeerView } from '@app/mesh';
import { FakeVxlanDriver } from '@app/mesh/testing';
import { ProxyConfig } from '../config/proxy.config';
import { DataPlaneService, VXLAN_DEVICE } from './data-plane.service';

const peer = (id: string, address: string): PeerRecord => ({ id, address, mtu: 1450, hostname: 'h', since: '' });
const SELF = peer('aa', '192.168.77.11');
const view = (...others: PeerRecord[]): PeerView => ({ self: SELF, live: [SELF, ...others], gone: [] });
const config = Object.assign(new ProxyConfig(), { vxlanVni: 77, vxlanPort: 4790 });

function setup(): { driver: FakeVxlanDriver; plane: DataPlaneService } {
  const driver = new FakeVxlanDriver();
  driver.bridges.add('weave');
  return { driver, plane: new DataPlaneService(driver, config, pino({ level: 'silent' })) };
}

describe('DataPlaneService', () => {
  test('creates the device on the interface holding the peer address, with the flags\' VNI and port', async () => {
    const { driver, plane } = setup();
    await plane.converge(view(peer('bb', '192.168.77.12')));
    assert.deepEqual(driver.devices.get(VXLAN_DEVICE)?.spec, {
      name: VXLAN_DEVICE, vni: 77, port: 4790, underlayDevice: 'eth0', localAddress: '192.168.77.11', bridge: 'weave',
    });
    assert.deepEqual(await driver.floodTargets(VXLAN_DEVICE), ['192.168.77.12']);
  });

  test('a device deleted behind its back is made again, with its entries, at the next convergence', async () => {
    const { driver, plane } = setup();
    const v = view(peer('bb', '192.168.77.12'));
    await plane.converge(v);
    driver.devices.delete(VXLAN_DEVICE);
    await plane.converge(v); // fails: the device was known; forgets it
    await plane.converge(v);
    assert.deepEqual(await driver.floodTargets(VXLAN_DEVICE), ['192.168.77.12']);
  });

  test('no interface holds the peer address, or no bridge: nothing thrown, retried later', async () => {
    const { driver, plane } = setup();
    driver.addresses.clear();
    await plane.converge(view(peer('bb', '192.168.77.12')));
    assert.equal(driver.devices.size, 0);
    driver.addresses.set('eth0', ['192.168.77.11']);
    driver.bridges.clear();
    await plane.converge(view(peer('bb', '192.168.77.12')));
    assert.equal(driver.devices.size, 0);
    driver.bridges.add('weave');
    await plane.converge(view(peer('bb', '192.168.77.12')));
    assert.deepEqual(await driver.floodTargets(VXLAN_DEVICE), ['192.168.77.12']);
  });

  test('a peer address on loopback (etcd on this machine): no device, nothing flooded', async () => {
    const { driver, plane } = setup();
    driver.addresses.set('lo', ['127.0.0.1']);
    const local = peer('aa', '127.0.0.1');
    await plane.converge({ self: local, live: [local, peer('bb', '127.0.0.1')], gone: [] });
    assert.equal(driver.devices.size, 0);
  });
});
