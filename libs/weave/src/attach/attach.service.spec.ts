import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '@app/common';
import { DockerApiError } from '@app/docker';
import {
  containerInspect,
  ContainerSpec,
  FakeAddressAllocator,
  FakeDockerClient,
  FakeNetworkDriver,
  NetnsSeed,
  stoppedAt,
  restartedAs,
  weaveOptions,
} from '../testing';
import { AllocationUnavailableError, ClaimOnlyAllocator } from './address.allocator';
import { AttachFailedError, AddressInUseError } from './attach.errors';
import { AttachService } from './attach.service';
import { WeaveOptions } from './weave.options';

function setup(options: Partial<WeaveOptions> = {}) {
  const driver = new FakeNetworkDriver();
  const docker = new FakeDockerClient();
  const allocator = new FakeAddressAllocator();
  const service = new AttachService(docker.asClient(), driver, allocator, weaveOptions(options));
  return { driver, docker, allocator, service };
}

const c1 = (spec: ContainerSpec = {}) => containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24', ...spec });

describe('AttachService: a running container of ours converges from any starting point', () => {
  const cases: Array<[string, NetnsSeed]> = [
    ['nothing attached', {}],
    ['partly attached (veth moved in, not renamed)', { strayPeer: true }],
    ['ethwe without its address', { ethwe: { up: false } }],
    ['ethwe with an extra address', { ethwe: { addresses: ['10.2.1.1/24', '10.9.9.9/24'] }, multicastRoute: true }],
    ['everything already right', { ethwe: { addresses: ['10.2.1.1/24'] }, multicastRoute: true }],
  ];
  for (const [name, seed] of cases) {
    test(name, async () => {
      const { driver, allocator, service } = setup();
      driver.addNetns(101, seed);
      const outcome = await service.attachInspected(c1());
      assert.deepEqual(outcome, {
        state: 'attached',
        id: 'c1',
        name: 'c1',
        addresses: [{ address: '10.2.1.1', prefixLength: 24 }],
        mac: driver.ethwe(101)?.mac,
      });
      assert.deepEqual(driver.ethwe(101)?.addresses, ['10.2.1.1/24']);
      assert.equal(driver.ethwe(101)?.up, true);
      assert.equal(driver.multicastRoute(101), true);
      assert.deepEqual(driver.linksIn(101), ['ethwe']);
      assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
      assert.deepEqual(service.holderOf('10.2.1.1'), { id: 'c1', name: 'c1' });
    });
  }

  test('everything already right: nothing is changed', async () => {
    const { driver, service } = setup();
    driver.addNetns(101, { ethwe: { addresses: ['10.2.1.1/24'] }, multicastRoute: true });
    await service.attachInspected(c1());
    assert.deepEqual(driver.changingConfigureCalls(), []);
  });

  test('with IPAM, a container without WEAVE_CIDR gets an allocated address', async () => {
    const { driver, allocator, service } = setup({ withIpam: true });
    driver.addNetns(101);
    const outcome = await service.attachInspected(c1({ env: ['PATH=/bin'] }));
    assert.equal(outcome.state, 'attached');
    assert.deepEqual(driver.ethwe(101)?.addresses, allocator.holdings('c1'));
    assert.equal(allocator.holdings('c1').length, 1);
  });

  test('after a proxy restart (lease lost), an IPAM container keeps the address on its ethwe', async () => {
    const { driver, allocator, service } = setup({ withIpam: true });
    driver.addNetns(101, { ethwe: { addresses: ['10.32.0.7/12'] }, multicastRoute: true });
    const outcome = await service.attachInspected(c1({ env: ['PATH=/bin'] }));
    assert.deepEqual(outcome.state === 'attached' && outcome.addresses, [{ address: '10.32.0.7', prefixLength: 12 }]);
    assert.deepEqual(allocator.holdings('c1'), ['10.32.0.7/12']);
    assert.deepEqual(driver.changingConfigureCalls(), []);
  });

  test('an address on ethwe that another container now holds is replaced', async () => {
    const { driver, allocator, service } = setup({ withIpam: true });
    allocator.hold('other', ['10.32.0.7/12']);
    driver.addNetns(101, { ethwe: { addresses: ['10.32.0.7/12'] }, multicastRoute: true });
    await service.attachInspected(c1({ env: ['PATH=/bin'] }));
    assert.deepEqual(driver.ethwe(101)?.addresses, allocator.holdings('c1'));
    assert.notDeepEqual(allocator.holdings('c1'), ['10.32.0.7/12']);
  });
});

describe('AttachService: containers left alone', () => {
  const cases: Array<[string, ContainerSpec, 'not-running' | 'not-ours']> = [
    ['not running', { running: false }, 'not-running'],
    ['no weavewait bind at /w', { binds: ['/data:/data'] }, 'not-ours'],
    ['no binds at all', { binds: null }, 'not-ours'],
    ['WEAVE_CIDR=none', { weaveCidr: 'none' }, 'not-ours'],
    ['--net=host', { networkMode: 'host' }, 'not-ours'],
    ['--net=container:other', { networkMode: 'container:other' }, 'not-ours'],
    ['a user-defined network', { networkMode: 'mynet' }, 'not-ours'],
    ['no WEAVE_CIDR and no IPAM', { env: ['PATH=/bin'] }, 'not-ours'],
  ];
  for (const [name, spec, state] of cases) {
    test(`${name} → ${state}`, async () => {
      const { driver, allocator, service } = setup();
      driver.addNetns(101);
      const outcome = await service.attachInspected(c1(spec));
      assert.equal(outcome.state, state);
      assert.ok('reason' in outcome && outcome.reason.length > 0);
      assert.deepEqual(driver.linksIn(101), []);
      assert.deepEqual(allocator.owners(), []);
    });
  }

  test('an invalid WEAVE_CIDR is a terminal InvalidInputError; nothing is touched', async () => {
    const { driver, allocator, service } = setup();
    driver.addNetns(101);
    const c = c1({ weaveCidr: '10.2.1.300/24' });
    await assert.rejects(service.attachInspected(c), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.equal(err.code, 'WPX_INVALID_WEAVE_CIDR');
      assert.equal(err.terminal, true);
      return true;
    });
    assert.deepEqual(driver.linksIn(101), []);
    assert.deepEqual(allocator.owners(), []);
    assert.equal(service.isOurs(c), true, 'ours, but broken');
  });

  test('net:default without IPAM (ClaimOnlyAllocator) is terminal and touches nothing', async () => {
    const driver = new FakeNetworkDriver().addNetns(101);
    const service = new AttachService(new FakeDockerClient().asClient(), driver, new ClaimOnlyAllocator(), weaveOptions());
    await assert.rejects(service.attachInspected(c1({ weaveCidr: 'net:default' })), (err: unknown) =>
      err instanceof AllocationUnavailableError && err.terminal);
    assert.deepEqual(driver.linksIn(101), []);
  });
});

describe('AttachService: rollback', () => {
  test('a fresh attach that fails leaves no pair and nothing allocated', async () => {
    const { driver, allocator, service } = setup();
    driver.addNetns(101).failNext('configureEthwe');
    await assert.rejects(service.attachInspected(c1()), AttachFailedError);
    assert.deepEqual(driver.linksIn(101), []);
    assert.deepEqual(driver.hostVeths(), []);
    assert.deepEqual(allocator.owners(), []);
    assert.equal(service.holderOf('10.2.1.1'), undefined);
  });

  test('a re-attach that fails (after a restart) keeps what the owner held', async () => {
    const { driver, allocator, service } = setup();
    driver.addNetns(101);
    await service.attachInspected(c1());
    driver.removeNetns(101);
    driver.addNetns(202).failNext('configureEthwe');
    await assert.rejects(service.attachInspected(restartedAs(c1(), 202)), AttachFailedError);
    assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24']);
    assert.deepEqual(service.holderOf('10.2.1.1'), { id: 'c1', name: 'c1' });
    assert.deepEqual(driver.linksIn(202), [], 'the pair created by the failed call is removed');
  });

  test(
    'a re-attach that fails after a proxy restart keeps what IPAM holds',
    
    async () => {
      const { driver, allocator, service } = setup(); // a new process: empty book
      allocator.hold('c1', ['10.2.1.1/24']); // durable IPAM state from before the restart
      driver.addNetns(101, { ethwe: { up: false, addresses: ['10.2.1.1/24'] } });
      driver.failNext('configureEthwe');
      await assert.rejects(service.attachInspected(c1()), AttachFailedError);
      assert.deepEqual(driver.ethwe(101)?.addresses, ['10.2.1.1/24']);
      assert.deepEqual(allocator.holdings('c1'), ['10.2.1.1/24'], 'the address on ethwe must stay allocated');
    },
  );

  test(
    'a fresh attach whose /etc/hosts rewrite fails leaves nothing behind',
    
    async () => {
      const { driver, allocator, service } = setup({ rewriteHosts: true });
      driver.addNetns(101);
      const c = c1({ hostsPath: path.join(os.tmpdir(), 'no-such-dir-wpx', 'hosts') });
      await assert.rejects(service.attachInspected(c));
      const leftover = { links: driver.linksIn(101), allocated: allocator.holdings('c1') };
      assert.ok(
        leftover.links.length === 0 || leftover.allocated.length > 0,
        `ethwe carries an address nobody holds: ${JSON.stringify(leftover)}`,
      );
    },
  );
});

describe('AttachService: address conflicts', () => {
  test('a claim of an address a live container holds → AddressInUseError naming the holder', async () => {
    const { driver, docker, allocator, service } = setup();
    const a = c1({ id: 'a', name: 'alpha', pid: 101 });
    docker.put(a);
    driver.addNetns(101).addNetns(202);
    await service.attachInspected(a);
    await assert.rejects(service.attachInspected(c1({ id: 'b', name: 'beta', pid: 202 })), (err: unknown) => {
      assert.ok(err instanceof AddressInUseError);
      assert.equal(err.message, 'address 10.2.1.1/24 is already in use by container alpha');
      assert.equal(err.terminal, true);
      return true;
    });
    assert.deepEqual(driver.linksIn(202), []);
    assert.deepEqual(allocator.owners(), ['a']);
    assert.equal(service.holderOf('10.2.1.1')?.id, 'a');
  });

  const stale: Array<[string, (docker: FakeDockerClient) => void]> = [
    ['has stopped', (docker) => docker.put(stoppedAt(c1({ id: 'a', pid: 101 }), '2024-01-01T00:00:00Z'))],
    ['is gone (404)', (docker) => docker.remove('a')],
  ];
  for (const [name, change] of stale) {
    test(`the holder ${name} → the claim takes the address over`, async () => {
      const { driver, docker, service } = setup();
      const a = c1({ id: 'a', pid: 101 });
      docker.put(a);
      driver.addNetns(101).addNetns(202);
      await service.attachInspected(a);
      change(docker);
      const outcome = await service.attachInspected(c1({ id: 'b', pid: 202 }));
      assert.equal(outcome.state, 'attached');
      assert.deepEqual(driver.ethwe(202)?.addresses, ['10.2.1.1/24']);
      assert.equal(service.holderOf('10.2.1.1')?.id, 'b');
      assert.deepEqual(service.addressesOf('a'), []);
    });
  }

  test('dockerd failing while checking the holder is not a conflict (and not terminal)', async () => {
    const { driver, docker, service } = setup();
    driver.addNetns(101).addNetns(202);
    await service.attachInspected(c1({ id: 'a', pid: 101 }));
    docker.failNextInspect(new DockerApiError(500, 'server error'));
    await assert.rejects(service.attachInspected(c1({ id: 'b', pid: 202 })), DockerApiError);
    assert.deepEqual(driver.linksIn(202), []);
  });

  test('release forgets the holder and returns the addresses', async () => {
    const { driver, allocator, service } = setup();
    driver.addNetns(101);
    await service.attachInspected(c1());
    await service.release('c1');
    assert.equal(service.holderOf('10.2.1.1'), undefined);
    assert.deepEqual(allocator.owners(), []);
  });
});

describe('AttachService: /etc/hosts', () => {
  for (const rewriteHosts of [true, false]) {
    test(`rewriteHosts=${rewriteHosts}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpx-hosts-'));
      const hostsPath = path.join(dir, 'hosts');
      fs.writeFileSync(hostsPath, '172.17.0.2\tweb\n');
      try {
        const { driver, service } = setup({ rewriteHosts });
        driver.addNetns(101);
        await service.attachInspected(c1({ hostsPath, hostname: 'web', extraHosts: ['db:10.9.9.9'] }));
        const text = fs.readFileSync(hostsPath, 'utf8');
        if (rewriteHosts) {
          assert.match(text, /^10\.2\.1\.1\tweb$/m);
          assert.match(text, /^10\.9\.9\.9\tdb$/m);
          assert.doesNotMatch(text, /172\.17\.0\.2/);
        } else {
          assert.equal(text, '172.17.0.2\tweb\n');
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
