import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostVethName, peerVethName } from '../network/network.driver';
import { FakeNetworkDriver, hasChanges, NetnsSeed, parseCidr, weaveOptions } from '../testing';
import { AttachFailedError } from './attach.errors';
import { NetnsConverger } from './netns.converger';
import { WeaveOptions } from './weave.options';

const PID = 4242;
const DESIRED = ['10.2.1.1/24', '10.2.2.1/24'];

function setup(options: Partial<WeaveOptions> = {}) {
  const driver = new FakeNetworkDriver();
  const converger = new NetnsConverger(driver, weaveOptions(options));
  const converge = (cidrs = DESIRED) => converger.converge('c1', PID, cidrs.map(parseCidr));
  return { driver, converger, converge };
}

describe('NetnsConverger: convergence from every starting point', () => {
  const cases: Array<{ name: string; seed: NetnsSeed; keepsLink: boolean }> = [
    { name: 'nothing attached', seed: {}, keepsLink: false },
    { name: 'veth moved in but never renamed (interrupted attach)', seed: { strayPeer: true }, keepsLink: false },
    { name: 'ethwe without addresses, down, no route', seed: { ethwe: { up: false } }, keepsLink: true },
    {
      name: 'ethwe missing an address',
      seed: { ethwe: { addresses: ['10.2.2.1/24'] }, multicastRoute: true },
      keepsLink: true,
    },
    {
      name: 'ethwe with an extra address',
      seed: { ethwe: { addresses: ['10.9.9.9/24', ...DESIRED] }, multicastRoute: true },
      keepsLink: true,
    },
    {
      name: 'right address, wrong prefix length',
      seed: { ethwe: { addresses: ['10.2.1.1/16', '10.2.2.1/24'] }, multicastRoute: true },
      keepsLink: true,
    },
    {
      name: 'ethwe down (the kernel dropped its route with it)',
      seed: { ethwe: { up: false, addresses: DESIRED }, multicastRoute: false },
      keepsLink: true,
    },
    { name: 'multicast route missing', seed: { ethwe: { addresses: DESIRED }, multicastRoute: false }, keepsLink: true },
    { name: 'everything already right', seed: { ethwe: { addresses: DESIRED }, multicastRoute: true }, keepsLink: true },
  ];

  for (const { name, seed, keepsLink } of cases) {
    test(name, async () => {
      const { driver, converge } = setup();
      driver.addNetns(PID, seed);
      const macBefore = driver.ethwe(PID)?.mac;

      await converge();

      const ethwe = driver.ethwe(PID);
      assert.deepEqual({ up: ethwe?.up, addresses: ethwe?.addresses }, { up: true, addresses: DESIRED });
      assert.equal(driver.multicastRoute(PID), true);
      assert.deepEqual(driver.linksIn(PID), ['ethwe'], 'no stray veth end left in the namespace');
      assert.deepEqual(driver.hostVeths(), [hostVethName(PID)], 'exactly one pair');
      assert.equal(ethwe?.mac === macBefore, keepsLink, keepsLink ? 'the existing ethwe is kept' : 'a new pair');

      const before = driver.configureCalls.length;
      await converge();
      const again = driver.configureCalls.slice(before).filter((c) => hasChanges(c.changes));
      assert.deepEqual(again, [], 'a second pass changes nothing');
      assert.equal(driver.ethwe(PID)?.mac, ethwe?.mac);
    });
  }

  test('everything already right: no change is asked for and no pair is created', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { ethwe: { addresses: DESIRED }, multicastRoute: true });
    await converge();
    assert.deepEqual(driver.changingConfigureCalls(), []);
    assert.equal(driver.calls.createVeth, 0);
    assert.equal(driver.bridges.size, 0, 'the bridge is not even looked at');
  });

  test('an address order other than the desired one is not a difference', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { ethwe: { addresses: [...DESIRED].reverse() }, multicastRoute: true });
    await converge();
    assert.deepEqual(driver.changingConfigureCalls(), []);
  });

  test('without --multicast-route no route is added', async () => {
    const { driver, converge } = setup({ multicastRoute: false });
    driver.addNetns(PID);
    await converge();
    assert.deepEqual(driver.ethwe(PID)?.addresses, DESIRED);
    assert.equal(driver.multicastRoute(PID), false);
  });

  test('converging to no address removes them all and keeps the link', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { ethwe: { addresses: DESIRED }, multicastRoute: true });
    await converge([]);
    assert.deepEqual(driver.ethwe(PID)?.addresses, []);
  });

  test('a fresh pair is created on the bridge, which is created first', async () => {
    const { driver, converge } = setup({ bridge: 'weave' });
    driver.addNetns(PID);
    await converge();
    assert.deepEqual([...driver.bridges.keys()], ['weave']);
  });
});

describe('NetnsConverger: failures and rollback', () => {
  test('configuring a fresh pair fails: the pair is removed again', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID).failNext('configureEthwe', new Error('RTNETLINK answers: Operation not permitted'));
    await assert.rejects(converge(), (err: unknown) => {
      assert.ok(err instanceof AttachFailedError);
      assert.match(err.message, /attaching container c1 failed: configuring ethwe: .*Operation not permitted/);
      assert.equal(err.terminal, false, 'a host failure is retried');
      return true;
    });
    assert.deepEqual(driver.linksIn(PID), []);
    assert.deepEqual(driver.hostVeths(), []);
  });

  test('configuring an existing ethwe fails: the link is kept as it was', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { ethwe: { addresses: ['10.2.1.1/24'] }, multicastRoute: true });
    driver.failNext('configureEthwe');
    await assert.rejects(converge(), AttachFailedError);
    assert.deepEqual(driver.ethwe(PID)?.addresses, ['10.2.1.1/24']);
    assert.deepEqual(driver.hostVeths(), [hostVethName(PID)]);
  });

  test('after a failed attempt the next one converges', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID).failNext('configureEthwe');
    await assert.rejects(converge());
    await converge();
    assert.deepEqual(driver.ethwe(PID)?.addresses, DESIRED);
    assert.deepEqual(driver.linksIn(PID), ['ethwe']);
  });

  const steps: Array<[Parameters<FakeNetworkDriver['failNext']>[0], RegExp]> = [
    ['inspectNetns', /reading the container network/],
    ['ensureBridge', /creating the weave bridge/],
    ['createVeth', /creating the veth pair/],
  ];
  for (const [method, step] of steps) {
    test(`${method} fails: the error names the step and nothing is left behind`, async () => {
      const { driver, converge } = setup();
      driver.addNetns(PID).failNext(method);
      await assert.rejects(converge(), (err: unknown) => err instanceof AttachFailedError && step.test(err.message));
      assert.deepEqual(driver.linksIn(PID), []);
      assert.deepEqual(driver.hostVeths(), []);
    });
  }

  test('a bridge failure is not cached: the next attach creates the bridge', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID).failNext('ensureBridge');
    await assert.rejects(converge());
    await converge();
    assert.ok(driver.bridges.has('weave'));
    assert.deepEqual(driver.ethwe(PID)?.addresses, DESIRED);
  });

  test('the process is gone: the error says so', async () => {
    const { converge } = setup();
    await assert.rejects(converge(), /reading the container network: .*No such file/);
  });

  test('a leftover pair of the same PID is replaced, not doubled', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { strayPeer: true });
    assert.deepEqual(driver.linksIn(PID), [peerVethName(PID)]);
    await converge();
    assert.deepEqual(driver.linksIn(PID), ['ethwe']);
    assert.deepEqual(driver.hostVeths(), [hostVethName(PID)]);
  });
});
