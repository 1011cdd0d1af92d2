import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRecord } from '../peer';
import { PeerView } from '../peer.directory';
import { FakeVxlanDriver } from '../testing';
import { FdbConverger } from './fdb.converger';

const SPEC = { name: 'vxlan-weave', vni: 4242, port: 4789, underlayDevice: 'eth0', localAddress: '192.168.77.11', bridge: 'weave' };
const peer = (id: string, address: string): PeerRecord => ({ id, address, mtu: 1450, hostname: 'h', since: '' });
const SELF = peer('aa', '192.168.77.11');
const view = (...others: PeerRecord[]): PeerView => ({ self: SELF, live: [SELF, ...others], gone: [] });

async function setup(): Promise<{ driver: FakeVxlanDriver; fdb: FdbConverger }> {
  const driver = new FakeVxlanDriver();
  driver.bridges.add('weave');
  await driver.ensureDevice(SPEC);
  return { driver, fdb: new FdbConverger(driver, SPEC.name) };
}

describe('FdbConverger', () => {
  test('one all-zero entry per live remote peer, none for this host', async () => {
    const { driver, fdb } = await setup();
    const change = await fdb.converge(view(peer('bb', '192.168.77.12'), peer('cc', '192.168.77.13')));
    assert.deepEqual(change, { added: ['192.168.77.12', '192.168.77.13'], removed: [], macsSet: [], macsRemoved: [], errors: [] });
    assert.deepEqual(await driver.floodTargets(SPEC.name), ['192.168.77.12', '192.168.77.13']);
  });

  test('idempotent: converging twice on one view changes nothing the second time', async () => {
    const { driver, fdb } = await setup();
    const v = view(peer('bb', '192.168.77.12'));
    await fdb.converge(v);
    const before = driver.changes.length;
    assert.deepEqual(await fdb.converge(v), { added: [], removed: [], macsSet: [], macsRemoved: [], errors: [] });
    assert.equal(driver.changes.length, before);
  });

  test('a gone peer loses its entry; an entry nobody asked for (by hand, an older run) is removed', async () => {
    const { driver, fdb } = await setup();
    await fdb.converge(view(peer('bb', '192.168.77.12'), peer('cc', '192.168.77.13')));
    await driver.addFloodTarget(SPEC.name, '192.168.77.99');
    const change = await fdb.converge(view(peer('bb', '192.168.77.12')));
    assert.deepEqual(change.removed, ['192.168.77.13', '192.168.77.99']);
    assert.deepEqual(await driver.floodTargets(SPEC.name), ['192.168.77.12']);
  });

  test('level-triggered: an entry deleted behind its back comes back at the next call, whatever the view history', async () => {
    const { driver, fdb } = await setup();
    const v = view(peer('bb', '192.168.77.12'));
    await fdb.converge(v);
    await driver.removeFloodTarget(SPEC.name, '192.168.77.12');
    assert.deepEqual((await fdb.converge(v)).added, ['192.168.77.12']);
  });

  test('a failed change is reported and retried by the next call; the others are still made', async () => {
    const { driver, fdb } = await setup();
    driver.failNext = 1;
    const first = await fdb.converge(view(peer('bb', '192.168.77.12'), peer('cc', '192.168.77.13')));
    assert.deepEqual(first.added, ['192.168.77.13']);
    assert.match(first.errors.join(), /adding 192.168.77.12: RTNETLINK answers: No buffer space/);
    assert.deepEqual((await fdb.converge(view(peer('bb', '192.168.77.12'), peer('cc', '192.168.77.13')))).added, ['192.168.77.12']);
  });

  test('the device missing: the call rejects with the kernel\'s words (the caller recreates it)', async () => {
    const driver = new FakeVxlanDriver();
    const fdb = new FdbConverger(driver, SPEC.name);
    await assert.rejects(fdb.converge(view(peer('bb', '192.168.77.12'))), /Cannot find device "vxlan-weave"/);
    await assert.rejects(driver.ensureDevice(SPEC), /Cannot find device "weave"/, 'no bridge, no device');
  });

  test('overlapping calls run one after the other and the last view wins', async () => {
    const { driver, fdb } = await setup();
    const results = await Promise.all([
      fdb.converge(view(peer('bb', '192.168.77.12'))),
      fdb.converge(view(peer('cc', '192.168.77.13'))),
      fdb.converge(view(peer('bb', '192.168.77.12'), peer('dd', '192.168.77.14'))),
    ]);
    assert.deepEqual(await driver.floodTargets(SPEC.name), ['192.168.77.12', '192.168.77.14']);
    assert.deepEqual(results.flatMap((r) => r.errors), [], 'no add of an entry already there, no delete of a missing one');
  });
});
