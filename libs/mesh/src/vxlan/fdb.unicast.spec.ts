import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointRecord } from '../endpoints/endpoint';
import { PeerRecord } from '../peer';
import { PeerView } from '../peer.directory';
import { FakeVxlanDriver } from '../testing';
import { FdbConverger } from './fdb.converger';
import { unicastPlan } from './unicast.plan';

const SPEC = { name: 'vxlan-weave', vni: 4242, port: 4789, underlayDevice: 'eth0', localAddress: '192.168.77.11', bridge: 'weave' };
const peer = (id: string, address: string): PeerRecord => ({ id, address, mtu: 1450, hostname: 'h', since: '' });
const SELF = peer('aa', '192.168.77.11');
const [B, C] = [peer('bb', '192.168.77.12'), peer('cc', '192.168.77.13')];
const view = (...others: PeerRecord[]): PeerView => ({ self: SELF, live: [SELF, ...others], gone: [] });
const ep = (peerId: string, n: number): EndpointRecord => ({
  peerId, containerId: `c${n}`, name: `c${n}`, fqdns: [], addresses: [`10.2.1.${n}/24`], mac: `02:57:0a:02:01:0${n}`,
});

async function setup(): Promise<{ driver: FakeVxlanDriver; fdb: FdbConverger; macs: () => Promise<string[]> }> {
  const driver = new FakeVxlanDriver();
  driver.bridges.add('weave');
  await driver.ensureDevice(SPEC);
  const macs = async () => (await driver.macTargets(SPEC.name)).map((t) => `${t.mac}>${t.address}`);
  return { driver, fdb: new FdbConverger(driver, SPEC.name), macs };
}

describe('FdbConverger: unicast entries for remote containers', () => {
  test('each remote container\'s MAC points at its peer; this host\'s containers and dead peers\' get none', async () => {
    const { fdb, macs } = await setup();
    await fdb.converge(view(B, C), [ep('aa', 1), ep('bb', 2), ep('cc', 3), ep('dd', 4)]);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.12', '02:57:0a:02:01:03>192.168.77.13']);
  });

  test('a container gone, or its whole peer gone: its entry is removed', async () => {
    const { fdb, macs } = await setup();
    await fdb.converge(view(B, C), [ep('bb', 2), ep('bb', 5), ep('cc', 3)]);
    const change = await fdb.converge(view(B), [ep('bb', 2), ep('cc', 3)]);
    assert.deepEqual(change.macsRemoved, ['02:57:0a:02:01:03>192.168.77.13', '02:57:0a:02:01:05>192.168.77.12']);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.12']);
  });

  test('idempotent: a second call on the same state changes nothing', async () => {
    const { driver, fdb } = await setup();
    await fdb.converge(view(B), [ep('bb', 2)]);
    const before = driver.changes.length;
    const change = await fdb.converge(view(B), [ep('bb', 2)]);
    assert.deepEqual([change.macsSet, change.macsRemoved, change.errors], [[], [], []]);
    assert.equal(driver.changes.length, before);
  });

  test('level-triggered: entries changed by hand are put right at the next call', async () => {
    const { driver, fdb, macs } = await setup();
    await fdb.converge(view(B, C), [ep('bb', 2), ep('cc', 3)]);
    await driver.setMacTarget(SPEC.name, { mac: '02:57:0a:02:01:02', address: '192.168.77.99' });
    await driver.removeMacTarget(SPEC.name, { mac: '02:57:0a:02:01:03', address: '192.168.77.13' });
    await driver.setMacTarget(SPEC.name, { mac: '02:57:0a:02:01:09', address: '192.168.77.12' });
    await fdb.converge(view(B, C), [ep('bb', 2), ep('cc', 3)]);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.12', '02:57:0a:02:01:03>192.168.77.13']);
  });

  test('a container moved (both hosts still publish it): every host picks the same peer, the last by id', async () => {
    const { fdb, macs } = await setup();
    const moved = { ...ep('cc', 2), containerId: 'c2-again' };
    await fdb.converge(view(B, C), [moved, ep('bb', 2)]);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.13']);
    await fdb.converge(view(B), [moved, ep('bb', 2)]);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.12'], 're-pointed once cc is gone');
  });

  test('a failed change is reported, the rest made, and it is retried by the next call', async () => {
    const { driver, fdb, macs } = await setup();
    await fdb.converge(view(B), []);
    driver.failNext = 1;
    const first = await fdb.converge(view(B), [ep('bb', 2), ep('bb', 3)]);
    assert.equal(first.errors.length, 1);
    assert.match(first.errors[0], /pointing 02:57:0a:02:01:02>192.168.77.12: RTNETLINK answers: No buffer space/);
    await fdb.converge(view(B), [ep('bb', 2), ep('bb', 3)]);
    assert.deepEqual(await macs(), ['02:57:0a:02:01:02>192.168.77.12', '02:57:0a:02:01:03>192.168.77.12']);
  });

  test('plan: a second destination of a MAC already pointed right goes; a wrong only one is re-pointed', () => {
    const m = '02:57:0a:02:01:02';
    const plan = unicastPlan([B], [ep('bb', 2)], [{ mac: m, address: '192.168.77.12' }, { mac: m, address: '192.168.77.99' }]);
    assert.deepEqual(plan, { set: [], remove: [{ mac: m, address: '192.168.77.99' }] });
    assert.deepEqual(unicastPlan([B], [ep('bb', 2)], [{ mac: m, address: '192.168.77.99' }]), { set: [{ mac: m, address: '192.168.77.12' }], remove: [] });
  });
});
