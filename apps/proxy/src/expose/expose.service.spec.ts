import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { IpamAllocator, MemoryLeaseStore } from '@app/ipam';
import { ProxyConfig } from '../config/proxy.config';
import { FakeBridgeAddresses } from './bridge.addresses';
import { ExposeService } from './expose.service';

function setup() {
  const config = Object.assign(new ProxyConfig(), { iprange: '10.2.0.0/16', hostId: 'h1', store: 'sqlite' });
  const ipam = new IpamAllocator(new MemoryLeaseStore(), { range: config.iprange, hostId: 'h1' });
  const bridge = new FakeBridgeAddresses();
  return { ipam, bridge, service: new ExposeService(ipam, bridge, config, pino({ level: 'silent' })) };
}
const onBridge = (bridge: FakeBridgeAddresses) => [...(bridge.bridges.get('weave') ?? [])].sort();

describe('ExposeService (weave expose / hide)', () => {
  test('expose: an address of the range, on the bridge, leased to the host owner; idempotent', async () => {
    const { ipam, bridge, service } = setup();
    assert.deepEqual(await service.expose(), ['10.2.0.1/16']);
    assert.deepEqual(await service.expose(), ['10.2.0.1/16']);
    assert.deepEqual(onBridge(bridge), ['10.2.0.1/16']);
    assert.deepEqual((await ipam.list()).map((l) => l.owner), ['weave:expose:h1']);
    assert.equal((await ipam.allocate('c'.repeat(64))).address, '10.2.0.2', 'never given to a container');
    assert.deepEqual((await ipam.prune(new Set())).map((l) => l.address), ['10.2.0.2'], 'the container\'s goes, the host\'s stays');
    assert.deepEqual((await ipam.list()).map((l) => l.owner), ['weave:expose:h1']);
  });

  test('expose CIDR: a network gives an address of it, an address is claimed exactly; hide removes them all', async () => {
    const { ipam, bridge, service } = setup();
    assert.deepEqual(await service.expose('10.2.5.0/24'), ['10.2.5.1/24']);
    assert.deepEqual((await service.expose('10.2.1.254/24')).sort(), ['10.2.1.254/24', '10.2.5.1/24']);
    assert.deepEqual(onBridge(bridge), ['10.2.1.254/24', '10.2.5.1/24']);
    assert.deepEqual((await service.hide()).sort(), ['10.2.1.254/24', '10.2.5.1/24']);
    assert.deepEqual(onBridge(bridge), []);
    assert.deepEqual(await ipam.list(), []);
    assert.deepEqual(await service.hide(), [], 'hidden already');
  });

  test('errors: not a CIDR (WPX_BAD_REQUEST), outside the range, held by a container', async () => {
    const { ipam, service } = setup();
    await assert.rejects(service.expose('ten'), { code: 'WPX_BAD_REQUEST', status: 400 });
    await assert.rejects(service.expose('10.9.0.0/24'), { code: 'WPX_IPAM_SUBNET_OUTSIDE_RANGE' });
    await ipam.claim('c'.repeat(64), '10.2.1.7', 24);
    await assert.rejects(service.expose('10.2.1.7/24'), { code: 'WPX_ADDRESS_IN_USE' });
  });

  test('at start, the leases the host holds are put on the bridge again', async () => {
    const { bridge, service } = setup();
    await service.expose('10.2.1.254/24');
    bridge.bridges.clear();
    await service.onApplicationBootstrap();
    assert.deepEqual(onBridge(bridge), ['10.2.1.254/24']);
  });
});
