// Where a reconcile's time goes: one weave_proxy_reconcile_phase_seconds observation per step that
// ran, and weave_proxy_start_to_gate_seconds (dockerd's start to the gate opening) once per process.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerInspect } from '@app/docker';
import { AttachService } from '@app/weave';
import { containerInspect, FakeAddressAllocator, FakeDockerClient, FakeNetworkDriver, restartedAs, stoppedAt, weaveOptions } from '@app/weave/testing';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsService } from '../metrics/metrics.service';
import { ContainerReconciler } from './container.reconciler';
import { ContainerStatusStore } from './container.status';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function setup() {
  const clock = () => NOW;
  const docker = new FakeDockerClient(clock);
  const driver = new FakeNetworkDriver();
  const attach = new AttachService(docker.asClient(), driver, new FakeAddressAllocator(), weaveOptions());
  const metrics = new MetricsService();
  const config = Object.assign(new ProxyConfig(), { releaseGraceSeconds: 30 });
  const reconciler = new ContainerReconciler(docker.asClient(), attach, new ContainerStatusStore(), config, clock, metrics);
  const run = (c: ContainerInspect) => {
    docker.put(c);
    if (c.State.Running && !driver.hasNetns(c.State.Pid)) driver.addNetns(c.State.Pid);
    return reconciler.reconcile(c.Id);
  };
  return { docker, driver, metrics, run, reconciler };
}

/** `{ phase: count }` of the phase histogram, phases never observed left out. */
async function phaseCounts(metrics: MetricsService): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const v of (await metrics.reconcilePhase.get()).values) {
    if (v.metricName?.endsWith('_count') && v.value > 0) counts[String(v.labels.phase)] = v.value;
  }
  return counts;
}

async function startToGate(metrics: MetricsService): Promise<{ count: number; sum: number }> {
  const values = (await metrics.startToGate.get()).values;
  const pick = (suffix: string) => values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
  return { count: pick('_count'), sum: pick('_sum') };
}

const startedAt = (c: ContainerInspect, msAgo: number): ContainerInspect => ({
  ...c,
  State: { ...c.State, StartedAt: new Date(NOW - msAgo).toISOString() },
});

describe('ContainerReconciler: per-phase metrics', () => {
  test('a first attach observes every step once, and the time since dockerd started the process', async () => {
    const { metrics, run } = setup();
    await run(startedAt(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }), 1500));
    assert.deepEqual(await phaseCounts(metrics), {
      inspect: 1, open_netns: 1, read_netns: 1, allocate: 1, converge: 1, before_gate: 1, open_gate: 1,
    });
    assert.deepEqual(await startToGate(metrics), { count: 1, sum: 1.5 });
  });

  test('a resync of an attached container opens no gate: no start-to-gate observation', async () => {
    const { metrics, run } = setup();
    const c = startedAt(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }), 200);
    await run(c);
    await run(c);
    assert.equal((await phaseCounts(metrics)).open_gate, 1);
    assert.equal((await startToGate(metrics)).count, 1);
  });

  test('every restart of a crash loop is one start-to-gate observation', async () => {
    const { driver, metrics, run } = setup();
    let c = containerInspect({ id: 'c1', pid: 100, weaveCidr: '10.2.1.1/24' });
    for (let pid = 100; pid < 105; pid++) {
      c = startedAt(restartedAs(c, pid), 100);
      await run(c);
      driver.removeNetns(pid);
      await run(stoppedAt(c, new Date(NOW).toISOString()));
    }
    assert.equal((await startToGate(metrics)).count, 5);
    assert.equal((await phaseCounts(metrics)).open_gate, 5);
  });

  test('a container that is gone is released, and that is timed', async () => {
    const { metrics, reconciler } = setup();
    await reconciler.reconcile('gone');
    assert.deepEqual(await phaseCounts(metrics), { inspect: 1, release: 1 });
  });

  test('an attach that stops halfway observes the steps it ran, and opens no gate', async () => {
    const { driver, metrics, run } = setup();
    driver.addNetns(101).failNext('configureEthwe', new Error('RTNETLINK answers: No such process'), 1);
    const c = startedAt(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }), 100);
    await assert.rejects(run(c), /configuring ethwe/);
    const counts = await phaseCounts(metrics);
    assert.equal(counts.converge, 1);
    assert.equal(counts.open_gate, undefined);
    assert.equal((await startToGate(metrics)).count, 0);
  });

  test('failing twice, then attached: one start-to-gate observation, three of each step before the failure', async () => {
    const { driver, metrics, run } = setup();
    driver.addNetns(101).failNext('createVeth', new Error('RTNETLINK answers: No buffer space available'), 1);
    const c = startedAt(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }), 100);
    await assert.rejects(run(c));
    driver.failNext('openGate', new Error('RTNETLINK answers: No buffer space available'));
    await assert.rejects(run(c));
    await run(c);
    const counts = await phaseCounts(metrics);
    assert.equal(counts.converge, 3);
    assert.equal(counts.open_gate, 2, 'the failed try is timed too');
    assert.equal((await startToGate(metrics)).count, 1);
  });
});
