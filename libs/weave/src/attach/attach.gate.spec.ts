// Issue 14, items 1, 7, 8: the gate /w/w waits on opens last; a step that stops halfway leaves no
// veth pair on the host, first attach or not; the namespace is the one opened for the attach.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerInspect, FakeAddressAllocator, FakeDockerClient, FakeNetworkDriver, restartedAs, weaveOptions } from '../testing';
import { ProcessChangedError } from '../network/process-changed.error';
import { AttachService } from './attach.service';
import { WeaveOptions } from './weave.options';

function setup(options: Partial<WeaveOptions> = {}) {
  const driver = new FakeNetworkDriver();
  const service = new AttachService(new FakeDockerClient().asClient(), driver, new FakeAddressAllocator(), weaveOptions(options));
  return { driver, service };
}

const c1 = (pid = 101) => containerInspect({ id: 'c1', pid, weaveCidr: '10.2.1.1/24' });

describe('AttachService: the gate opens last', () => {
  test('at beforeGate everything is in place (addresses, route, /etc/hosts) and ethwe has no carrier yet', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpx-gate-'));
    const hostsPath = path.join(dir, 'hosts');
    fs.writeFileSync(hostsPath, '172.17.0.2\tc1\n');
    try {
      const { driver, service } = setup({ rewriteHosts: true });
      driver.addNetns(101);
      let seen: unknown;
      const c = containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24', hostsPath, hostname: 'c1' });
      await service.attachInspected(c, (outcome) => {
        const ethwe = driver.ethwe(101);
        seen = {
          state: outcome.state,
          carrier: ethwe?.carrier,
          up: ethwe?.up,
          addresses: ethwe?.addresses,
          route: driver.multicastRoute(101),
          hosts: /^10\.2\.1\.1\tc1$/m.test(fs.readFileSync(hostsPath, 'utf8')),
        };
      });
      assert.deepEqual(seen, { state: 'attached', carrier: false, up: true, addresses: ['10.2.1.1/24'], route: true, hosts: true });
      assert.equal(driver.ethwe(101)?.carrier, true, 'the gate is open once attachInspected returns');
      assert.equal(driver.openHandles, 0, 'the namespace handle is closed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failing beforeGate keeps the gate closed', async () => {
    const { driver, service } = setup();
    driver.addNetns(101);
    await assert.rejects(
      service.attachInspected(c1(), () => {
        throw new Error('registering failed');
      }),
      /registering failed/,
    );
    assert.equal(driver.ethwe(101)?.carrier, false);
  });

  test('the gate does not depend on --no-multicast-route: it opens either way', async () => {
    for (const multicastRoute of [true, false]) {
      const { driver, service } = setup({ multicastRoute });
      driver.addNetns(101);
      await service.attachInspected(c1());
      assert.equal(driver.ethwe(101)?.carrier, true, `multicastRoute=${multicastRoute}`);
    }
  });
});

describe('AttachService: no veth pair is left on the host (crash loops included)', () => {
  for (const after of [1, 2]) {
    test(`a re-attach after a restart whose createVeth stops after step ${after} leaves nothing`, async () => {
      const { driver, service } = setup();
      driver.addNetns(101);
      await service.attachInspected(c1());
      driver.removeNetns(101); // it crashed; Docker restarts it
      driver.addNetns(202).failNext('createVeth', new Error('Invalid "netns" value'), after);
      await assert.rejects(service.attachInspected(restartedAs(c1(), 202)), /creating the veth pair/);
      driver.removeNetns(202); // and it crashed again
      assert.deepEqual(driver.hostVeths(), []);
    });
  }

  test('200 crash-loop restarts with failures at every step: no pair outlives its process', async () => {
    const { driver, service } = setup();
    const methods = ['createVeth', 'configureEthwe', 'openGate'] as const;
    for (let i = 0; i < 200; i++) {
      const pid = 1000 + i;
      driver.addNetns(pid);
      if (i % 4 !== 3) driver.failNext(methods[i % 3], new Error('RTNETLINK answers: No such process'), i % 3);
      await service.attachInspected(c1(pid)).catch(() => undefined);
      driver.removeNetns(pid);
    }
    assert.deepEqual(driver.hostVeths(), []);
    assert.equal(driver.openHandles, 0);
  });
});

describe('AttachService: the namespace is opened once, through a PID checked to be the container\'s', () => {
  test('a PID now naming another container\'s process is refused with ProcessChangedError; nothing is done', async () => {
    const { driver, service } = setup();
    driver.addNetns(101, { owner: 'someone-else' });
    await assert.rejects(service.attachInspected(c1()), ProcessChangedError);
    assert.deepEqual(driver.linksIn(101), []);
    assert.deepEqual(driver.hostVeths(), []);
  });

  test('every step of an attach uses the one handle', async () => {
    const { driver, service } = setup();
    driver.addNetns(101, { owner: 'c1' });
    await service.attachInspected(c1());
    assert.equal(driver.calls.openNetns, 1);
    assert.equal(driver.openHandles, 0);
  });
});

describe('AttachService: a container the proxy will not attach is released, never left waiting', () => {
  const proxied = (spec = {}) =>
    ({ ...containerInspect({ id: 'c1', pid: 101, networkMode: 'host', ...spec }), Config: { Entrypoint: ['/w/w', 'sh'], Env: [] } });

  test('its network mode changed at start: weavewait gets SIGUSR2, once per process', async () => {
    const docker = new FakeDockerClient();
    const driver = new FakeNetworkDriver();
    const service = new AttachService(docker.asClient(), driver, new FakeAddressAllocator(), weaveOptions());
    driver.addNetns(101);
    const c = proxied();
    const outcome = await service.attachInspected(c);
    assert.equal(outcome.state, 'not-ours');
    assert.equal(await service.releaseUnattached(c), true);
    assert.equal(await service.releaseUnattached(c), false, 'not twice: the app would get it');
    assert.deepEqual(docker.signalled, [{ id: 'c1', signal: 'SIGUSR2' }]);
  });

  test('a container that never went through /w/w, or whose gate is open, is not signalled', async () => {
    const docker = new FakeDockerClient();
    const driver = new FakeNetworkDriver();
    const service = new AttachService(docker.asClient(), driver, new FakeAddressAllocator(), weaveOptions());
    driver.addNetns(101, { ethwe: { addresses: ['10.2.1.1/24'] } });
    assert.equal(await service.releaseUnattached(proxied()), false, 'ethwe has carrier: the app runs already');
    const direct = { ...proxied({ pid: 102 }), Config: { Entrypoint: ['sh'], Env: [] } };
    assert.equal(await service.releaseUnattached(direct), false);
    assert.deepEqual(docker.signalled, []);
  });
});
