// Issue 14, items 1, 4, 8: the status (and so the weaveDNS name) is recorded before the gate
// opens; a PID that names another process is requeued, never failed or killed; a container the
// proxy will not attach is released.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AttachService, NetworkDriver } from '@app/weave';
import {
  containerInspect,
  FakeAddressAllocator,
  FakeDockerClient,
  FakeNetworkDriver,
  weaveOptions,
} from '@app/weave/testing';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerReconciler } from './container.reconciler';
import { ContainerStatusStore } from './container.status';

function setup() {
  const docker = new FakeDockerClient();
  const driver = new FakeNetworkDriver();
  const attach = new AttachService(docker.asClient(), driver, new FakeAddressAllocator(), weaveOptions());
  const statuses = new ContainerStatusStore();
  const config = Object.assign(new ProxyConfig(), { releaseGraceSeconds: 30 });
  const reconciler = new ContainerReconciler(docker.asClient(), attach, statuses, config, Date.now);
  return { docker, driver, statuses, reconciler };
}

describe('ContainerReconciler and the gate', () => {
  test('the attached status (what weaveDNS answers from) exists before the gate opens', async () => {
    const { docker, driver, statuses, reconciler } = setup();
    docker.put(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }));
    driver.addNetns(101);
    const openGate = driver.openGate.bind(driver);
    let phaseAtGate: string | undefined;
    (driver as { openGate: NetworkDriver['openGate'] }).openGate = async (ns) => {
      phaseAtGate = statuses.get('c1')?.phase;
      return openGate(ns);
    };
    await reconciler.reconcile('c1');
    assert.equal(phaseAtGate, 'attached');
    assert.equal(driver.ethwe(101)?.carrier, true);
  });

  test('a PID that now names another container\'s process is requeued: not failed, not killed', async () => {
    const { docker, driver, statuses, reconciler } = setup();
    docker.put(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }));
    driver.addNetns(101, { owner: 'someone-else' });
    assert.deepEqual(await reconciler.reconcile('c1'), { requeueAfterMs: 100 });
    assert.notEqual(statuses.get('c1')?.phase, 'failed');
    assert.deepEqual(docker.killed, []);
  });

  test('a proxied container that is not ours any more is released (SIGUSR2), not left waiting', async () => {
    const { docker, driver, statuses, reconciler } = setup();
    const c = containerInspect({ id: 'c1', pid: 101, networkMode: 'host' });
    docker.put({ ...c, Config: { ...c.Config, Entrypoint: ['/w/w', 'sh'] } });
    driver.addNetns(101);
    await reconciler.reconcile('c1');
    assert.equal(statuses.get('c1')?.phase, 'not-ours');
    assert.deepEqual(docker.signalled, [{ id: 'c1', signal: 'SIGUSR2' }]);
  });
});
