import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '@app/common';
import { ContainerInspect, DockerApiError } from '@app/docker';
import { AddressAllocator, AddressInUseError, AttachService, ClaimOnlyAllocator, WeaveOptions } from '@app/weave';
import {
  containerInspect,
  ContainerSpec,
  FakeAddressAllocator,
  FakeDockerClient,
  FakeNetworkDriver,
  hasChanges,
  NetnsSeed,
  restartedAs,
  stoppedAt,
  weaveOptions,
} from '@app/weave/testing';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerReconciler } from './container.reconciler';
import { ContainerStatusStore } from './container.status';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function setup(opts: { allocator?: AddressAllocator; weave?: Partial<WeaveOptions> } = {}) {
  let now = NOW;
  const clock = () => now;
  const docker = new FakeDockerClient(clock);
  const driver = new FakeNetworkDriver();
  const allocator = new FakeAddressAllocator();
  const attach = new AttachService(docker.asClient(), driver, opts.allocator ?? allocator, weaveOptions(opts.weave));
  const statuses = new ContainerStatusStore();
  const config = Object.assign(new ProxyConfig(), { releaseGraceSeconds: 30 });
  const reconciler = new ContainerReconciler(docker.asClient(), attach, statuses, config, clock);
  /** Puts the container into the fake dockerd (and its netns into the fake host) and reconciles it. */
  const run = (c: ContainerInspect, seed?: NetnsSeed) => {
    docker.put(c);
    if (c.State.Running && !driver.hasNetns(c.State.Pid)) driver.addNetns(c.State.Pid, seed);
    return reconciler.reconcile(c.Id);
  };
  const advance = (ms: number) => (now += ms);
  return { docker, driver, allocator, attach, statuses, reconciler, run, advance };
}

const c1 = (spec: ContainerSpec = {}) => containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24', ...spec });

describe('ContainerReconciler: running containers', () => {
  const starts: Array<[string, NetnsSeed]> = [
    ['nothing attached', {}],
    ['partly attached', { strayPeer: true }],
    ['ethwe without its address', { ethwe: { up: true } }],
    ['an extra address', { ethwe: { addresses: ['10.2.1.1/24', '10.7.7.7/8'] }, multicastRoute: true }],
  ];
  for (const [name, seed] of starts) {
    test(`ours, from ${name} → attached with its addresses`, async () => {
      const { driver, allocator, statuses, run } = setup();
      assert.deepEqual(await run(c1({ hostname: 'web' }), seed), {});
      assert.deepEqual(statuses.get('c1'), {
        id: 'c1',
        name: 'c1',
        ours: true,
        phase: 'attached',
        addresses: ['10.2.1.1/24'],
        hostname: 'web',
        mac: driver.ethwe(101)?.mac,
        lastError: undefined,
        lastReconcile: new Date(NOW).toISOString(),
      });
      assert.match(statuses.get('c1')?.mac ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'ethwe\'s MAC, for the other hosts\' FDB');
      assert.deepEqual(driver.ethwe(101)?.addresses, ['10.2.1.1/24']);
      assert.deepEqual(driver.linksIn(101), ['ethwe']);
      assert.equal(driver.multicastRoute(101), true);
      assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
    });
  }

  const notOurs: Array<[string, ContainerSpec]> = [
    ['no /w bind', { binds: [] }],
    ['WEAVE_CIDR=none', { weaveCidr: 'none' }],
    ['--net=host', { networkMode: 'host' }],
  ];
  for (const [name, spec] of notOurs) {
    test(`not ours (${name}) → phase not-ours, its namespace untouched`, async () => {
      const { driver, allocator, statuses, run } = setup();
      await run(c1(spec));
      assert.equal(statuses.get('c1')?.phase, 'not-ours');
      assert.equal(statuses.get('c1')?.ours, false);
      assert.deepEqual(driver.linksIn(101), []);
      assert.deepEqual(allocator.owners(), []);
    });
  }

  test('reconciling twice is idempotent: same end state, no change the second time', async () => {
    const { driver, allocator, statuses, run } = setup();
    await run(c1());
    const after = { status: statuses.list(), ethwe: driver.ethwe(101), held: allocator.holdings('c1') };
    const configured = driver.configureCalls.length;
    await run(c1());
    assert.deepEqual({ status: statuses.list(), ethwe: driver.ethwe(101), held: allocator.holdings('c1') }, after);
    assert.deepEqual(driver.configureCalls.slice(configured).filter((c) => hasChanges(c.changes)), [], 'no change');
    assert.deepEqual(driver.hostVeths(), ['vethwepl101']);
  });

  test('restarted behind our back (new PID, bare namespace) → attached again with the same address', async () => {
    const { driver, statuses, run } = setup();
    await run(c1());
    driver.removeNetns(101);
    await run(restartedAs(c1(), 202));
    assert.deepEqual(driver.ethwe(202)?.addresses, ['10.2.1.1/24']);
    assert.equal(statuses.get('c1')?.phase, 'attached');
  });
});

describe('ContainerReconciler: stopped and gone containers', () => {
  test('stopped within the grace period → stopped, requeued for the rest of it, addresses kept', async () => {
    const { allocator, statuses, run } = setup();
    await run(c1());
    const result = await run(stoppedAt(c1(), ago(10_000)));
    assert.deepEqual(result, { requeueAfterMs: 20_000 });
    assert.equal(statuses.get('c1')?.phase, 'stopped');
    assert.deepEqual(statuses.get('c1')?.addresses, ['10.2.1.1/24']);
    assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
  });

  const expired: Array<[string, number]> = [
    ['well after the grace period', 31_000],
    ['exactly at its end', 30_000],
  ];
  for (const [name, finishedAgo] of expired) {
    test(`stopped ${name} → released`, async () => {
      const { attach, allocator, statuses, run } = setup();
      await run(c1());
      assert.deepEqual(await run(stoppedAt(c1(), ago(finishedAgo))), {});
      assert.deepEqual(allocator.owners(), []);
      assert.equal(attach.holderOf('10.2.1.1'), undefined);
      assert.deepEqual(statuses.get('c1')?.addresses, []);
      assert.equal(statuses.get('c1')?.phase, 'stopped');
    });
  }

  test('the grace period runs on the injected clock: requeued, then released when it is over', async () => {
    const { allocator, run, advance } = setup();
    await run(c1());
    assert.equal((await run(stoppedAt(c1(), ago(0)))).requeueAfterMs, 30_000);
    advance(30_000);
    await run(stoppedAt(c1(), ago(0)));
    assert.deepEqual(allocator.owners(), []);
  });

  test('an IPAM address survives a restart within the grace period', async () => {
    const { allocator, driver, run } = setup({ weave: { withIpam: true } });
    const ipam = (spec: ContainerSpec) => c1({ env: ['PATH=/bin'], ...spec });
    await run(ipam({}));
    const first = allocator.holdings('c1');
    await run(stoppedAt(ipam({}), ago(5_000)));
    await run(ipam({ id: 'c2', pid: 303 })); // someone else is attached meanwhile
    driver.removeNetns(101);
    await run(ipam({ pid: 404 }));
    assert.deepEqual(driver.addressesOf(404), first);
    assert.notDeepEqual(driver.addressesOf(303), first);
  });

  test('gone (inspect answers 404) → released and its status deleted', async () => {
    const { docker, attach, allocator, statuses, run, reconciler } = setup();
    await run(c1());
    docker.remove('c1');
    assert.deepEqual(await reconciler.reconcile('c1'), {});
    assert.deepEqual(allocator.owners(), []);
    assert.equal(statuses.get('c1'), undefined);
    assert.equal(attach.holderOf('10.2.1.1'), undefined);
  });

  test('dockerd failing (500) is rethrown and changes nothing', async () => {
    const { docker, allocator, statuses, run, reconciler } = setup();
    await run(c1());
    const before = statuses.get('c1');
    docker.failNextInspect(new DockerApiError(500, 'server error'));
    await assert.rejects(reconciler.reconcile('c1'), DockerApiError);
    assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
    assert.deepEqual(statuses.get('c1'), before);
  });
});

describe('ContainerReconciler: failures', () => {
  const terminal: Array<[string, (s: ReturnType<typeof setup>) => Promise<ContainerInspect>, new (...a: never[]) => Error]> = [
    ['invalid WEAVE_CIDR', async () => c1({ weaveCidr: '10.2.1.300/24' }), InvalidInputError],
    ['address held by a live container', async (s) => {
      await s.run(c1({ id: 'other', name: 'other', pid: 909 }));
      return c1();
    }, AddressInUseError],
  ];
  for (const [name, prepare, type] of terminal) {
    test(`terminal (${name}) → container killed, phase failed with the cause, error rethrown`, async () => {
      const s = setup();
      const c = await prepare(s);
      await assert.rejects(s.run(c), type);
      assert.deepEqual(s.docker.killed, ['c1']);
      assert.equal(s.docker.get('c1')?.State.Running, false);
      const status = s.statuses.get('c1');
      assert.equal(status?.phase, 'failed');
      assert.match(status?.lastError ?? '', name === 'invalid WEAVE_CIDR' ? /invalid WEAVE_CIDR/ : /already in use by container other/);
      assert.deepEqual(s.driver.linksIn(101), []);
      assert.deepEqual(s.allocator.holdings('c1'), []);
    });
  }

  test('terminal without IPAM (net:default, ClaimOnlyAllocator) → killed', async () => {
    const s = setup({ allocator: new ClaimOnlyAllocator() });
    await assert.rejects(s.run(c1({ weaveCidr: 'net:default' })), /automatic allocation is not configured/);
    assert.deepEqual(s.docker.killed, ['c1']);
    assert.equal(s.statuses.get('c1')?.phase, 'failed');
  });

  test('transient (driver failure) → not killed, phase failed, rethrown; the next reconcile attaches', async () => {
    const { docker, driver, allocator, statuses, run } = setup();
    driver.addNetns(101).failNext('configureEthwe', new Error('RTNETLINK answers: Device or resource busy'));
    await assert.rejects(run(c1()), /configuring ethwe: RTNETLINK answers: Device or resource busy/);
    assert.deepEqual(docker.killed, []);
    assert.equal(statuses.get('c1')?.phase, 'failed');
    assert.match(statuses.get('c1')?.lastError ?? '', /Device or resource busy/);
    assert.deepEqual(driver.linksIn(101), [], 'the failed fresh attach is rolled back');
    assert.deepEqual(allocator.owners(), []);

    await run(c1());
    assert.equal(statuses.get('c1')?.phase, 'attached');
    assert.equal(statuses.get('c1')?.lastError, undefined);
    assert.deepEqual(driver.ethwe(101)?.addresses, ['10.2.1.1/24']);
  });

  test('transient on a re-attach keeps the addresses it held, in the allocator and the status', async () => {
    const { driver, allocator, statuses, run } = setup();
    await run(c1());
    driver.removeNetns(101);
    driver.addNetns(202).failNext('configureEthwe');
    await assert.rejects(run(restartedAs(c1(), 202)));
    assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
    assert.deepEqual(statuses.get('c1')?.addresses, ['10.2.1.1/24']);
    assert.equal(statuses.get('c1')?.phase, 'failed');
  });
});
