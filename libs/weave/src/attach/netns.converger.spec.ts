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
  /** One attach's worth: open the namespace, converge, open the gate if needed, close. */
  const converge = async (cidrs = DESIRED) => {
    const ns = await driver.openNetns(PID, 'c1');
    try {
      if (await converger.converge('c1', ns, cidrs.map(parseCidr))) await converger.openGate('c1', ns);
    } finally {
      await ns.close();
    }
  };
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
      assert.deepEqual(
        { up: ethwe?.up, carrier: ethwe?.carrier, addresses: ethwe?.addresses },
        { up: true, carrier: true, addresses: DESIRED },
      );
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
    await assert.rejects(converge(), /process 4242 of container c1 is gone/);
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

describe('NetnsConverger: the gate opens last', () => {
  test('everything is in place behind a closed gate; openGate gives ethwe carrier', async () => {
    const { driver, converger } = setup();
    driver.addNetns(PID);
    const ns = await driver.openNetns(PID, 'c1');
    assert.equal(await converger.converge('c1', ns, DESIRED.map(parseCidr)), true, 'the gate is still closed');
    const behind = driver.ethwe(PID);
    assert.deepEqual({ up: behind?.up, carrier: behind?.carrier, addresses: behind?.addresses }, { up: true, carrier: false, addresses: DESIRED });
    assert.equal(driver.multicastRoute(PID), true, 'the route is in place before the gate opens');
    await converger.openGate('c1', ns);
    assert.equal(driver.ethwe(PID)?.carrier, true);
    assert.equal(await converger.converge('c1', ns, DESIRED.map(parseCidr)), false, 'nothing more to open');
    await ns.close();
  });

  test('an ethwe left without carrier by an interrupted attach gets its gate opened', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { ethwe: { addresses: DESIRED, carrier: false }, multicastRoute: true });
    await converge();
    assert.equal(driver.ethwe(PID)?.carrier, true);
    assert.equal(driver.calls.createVeth, 0);
  });

  test("a fresh pair gets the MAC derived from the first address, so a restart keeps it", async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID);
    await converge();
    assert.equal(driver.ethwe(PID)?.mac, '02:57:0a:02:01:01');
    driver.removeNetns(PID);
    driver.addNetns(PID);
    await converge();
    assert.equal(driver.ethwe(PID)?.mac, '02:57:0a:02:01:01');
  });
});

describe('NetnsConverger: a step that stops halfway leaves no pair behind', () => {
  for (const after of [1, 2, 3]) {
    test(`createVeth fails after ${after} of its 3 steps (link add, master, move)`, async () => {
      const { driver, converge } = setup();
      driver.addNetns(PID).failNext('createVeth', new Error('Invalid "netns" value'), after);
      await assert.rejects(converge(), /creating the veth pair/);
      assert.deepEqual(driver.hostVeths(), [], 'nothing on the host');
      assert.deepEqual(driver.linksIn(PID), [], 'nothing in the namespace');
    });
  }

  for (const after of [1, 2, 3]) {
    test(`configuring a fresh pair stops after ${after} change(s): the pair is removed`, async () => {
      const { driver, converge } = setup();
      driver.addNetns(PID).failNext('configureEthwe', new Error('RTNETLINK answers: Operation not permitted'), after);
      await assert.rejects(converge(), /configuring ethwe/);
      assert.deepEqual(driver.hostVeths(), []);
      assert.deepEqual(driver.linksIn(PID), []);
    });
  }
});

describe('NetnsConverger: the namespace is the one opened, whatever the PID names later', () => {
  test('the PID is reused during the attach: every step still acts on the opened namespace', async () => {
    const { driver, converger } = setup();
    driver.addNetns(PID, { owner: 'c1' });
    const ns = await driver.openNetns(PID, 'c1');
    driver.reusePid(PID, { owner: 'intruder' });
    if (await converger.converge('c1', ns, DESIRED.map(parseCidr))) await converger.openGate('c1', ns);
    assert.deepEqual(driver.linksIn(PID), [], "the new process's namespace is untouched");
    await ns.close();
    assert.deepEqual(driver.hostVeths(), [], 'the old namespace went with its pair once the handle closed');
  });

  test('a PID that names another container\'s process is refused before anything is done', async () => {
    const { driver, converge } = setup();
    driver.addNetns(PID, { owner: 'intruder' });
    await assert.rejects(converge(), /belongs to another container/);
    assert.deepEqual(driver.linksIn(PID), []);
    assert.equal(driver.calls.createVeth, 0);
  });
});
