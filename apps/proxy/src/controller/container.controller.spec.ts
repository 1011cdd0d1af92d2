import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { DomainError, ERRORS, InvalidInputError } from '@app/common';
import { ContainerInspect, DockerApiError, DockerTimeoutError } from '@app/docker';
import { AttachService } from '@app/weave';
import { containerInspect, FakeDockerClient } from '@app/weave/testing';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsService } from '../metrics/metrics.service';
import { AttachDeadlineError } from './attach.errors';
import { ContainerController } from './container.controller';
import { ContainerReconciler, ReconcileResult } from './container.reconciler';
import { ContainerStatusStore } from './container.status';
import { EventWatcher, EventWatcherHooks } from './event.watcher';
import { DEFAULT_WORK_QUEUE_OPTIONS, ShutDownError } from './work.queue';

/** Retryable: the store was busy (like IpamStoreUnavailableError). */
class StoreBusyError extends DomainError {
  constructor() {
    super(ERRORS.WPX_IPAM_STORE_UNAVAILABLE, 'store busy');
  }
}

type Step = (id: string) => Promise<ReconcileResult>;
const ok: Step = async () => ({});
const fail = (err: Error): Step => async () => Promise.reject(err);
const never: Step = () => new Promise(() => undefined);

/**
 * A controller over fakes: dockerd holds the given containers (ours unless named `plain*`), and
 * each reconcile of a key takes the next scripted step (the last one repeats).
 */
function setup(containers: ContainerInspect[], script: Record<string, Step[]>, attachTimeoutSeconds = 5, queueOptions = DEFAULT_WORK_QUEUE_OPTIONS) {
  const docker = new FakeDockerClient().put(...containers);
  const statuses = new ContainerStatusStore();
  const runs: string[] = [];
  const reconciler = {
    statuses,
    reconcile: (id: string) => {
      runs.push(id);
      const steps = script[id] ?? [ok];
      return (steps.length > 1 ? steps.shift()! : steps[0])(id);
    },
  } as unknown as ContainerReconciler;
  const attach = { isOurs: (c: ContainerInspect) => !c.Name.startsWith('/plain') } as unknown as AttachService;
  const config = Object.assign(new ProxyConfig(), { attachTimeoutSeconds });
  // Started only by onApplicationBootstrap: it hands over the hooks, so a test can play events.
  let hooks: EventWatcherHooks | undefined;
  const watcher = { run: async (_signal: AbortSignal, h: EventWatcherHooks) => void (hooks = h) } as unknown as EventWatcher;
  const log = pino({ level: 'silent' });
  const controller = new ContainerController(docker.asClient(), reconciler, attach, watcher, config, log, new MetricsService(), queueOptions);
  const count = (id: string) => runs.filter((r) => r === id).length;
  const events = () => {
    if (!hooks) throw new Error('the controller was not bootstrapped');
    return hooks;
  };
  return { docker, statuses, controller, count, runs, events, stop: () => controller.onApplicationShutdown() };
}

const ours = (id: string) => containerInspect({ id, name: id, weaveCidr: '10.2.1.1/24' });

describe('ContainerController.attached(): retries up to the deadline (issue 14 item 5)', { timeout: 20_000 }, () => {
  test('a store that fails once, then dockerd 5xx, then success: the start succeeds', async () => {
    const s = setup([ours('c1')], { c1: [fail(new StoreBusyError()), fail(new DockerApiError(500, 'injected')), ok] });
    try {
      await s.controller.attached('c1');
      assert.equal(s.count('c1'), 3);
    } finally {
      await s.stop();
    }
  });

  test('a terminal error ends the wait at once, with that error', async () => {
    const terminal = new InvalidInputError(ERRORS.WPX_INVALID_WEAVE_CIDR, 'invalid WEAVE_CIDR "foo"');
    const s = setup([ours('c1')], { c1: [fail(terminal)] });
    try {
      await assert.rejects(s.controller.attached('c1'), (err: unknown) => err === terminal);
      assert.equal(s.count('c1'), 1);
    } finally {
      await s.stop();
    }
  });

  test('retryable failures until the deadline: AttachDeadlineError naming the last one', async () => {
    const s = setup([ours('c1')], { c1: [fail(new StoreBusyError())] }, 0.5);
    try {
      await assert.rejects(s.controller.attached('c1'), (err: unknown) => {
        assert.ok(err instanceof AttachDeadlineError);
        assert.equal(err.terminal, true);
        assert.equal(err.message, 'weave: container c1 was not attached within the 0.5s attach timeout; last error: store busy');
        return true;
      });
      assert.ok(s.count('c1') >= 2, `retried (${s.count('c1')} runs)`);
    } finally {
      await s.stop();
    }
  });

  test('a reconcile that never returns: AttachDeadlineError', async () => {
    const s = setup([ours('c1')], { c1: [never] }, 0.2);
    await assert.rejects(s.controller.attached('c1'), /was not attached within the 0\.2s attach timeout$/);
  });

  test('dockerd slow or failing on the first inspect is retried; a 404 is final and kills nothing', async () => {
    const s = setup([ours('c1')], {});
    try {
      s.docker.failNextInspect(new DockerTimeoutError('GET', '/containers/c1/json', 10_000));
      s.docker.failNextInspect(new DockerApiError(502, 'bad gateway'));
      await s.controller.attached('c1');
      await assert.rejects(s.controller.attached('gone'), (err: unknown) => err instanceof DockerApiError && err.status === 404);
      assert.deepEqual(s.docker.killed, []);
    } finally {
      await s.stop();
    }
  });

  test('a container that is not ours never waits behind four stuck reconciles', async () => {
    const stuck = ['s1', 's2', 's3', 's4'];
    const s = setup([...stuck.map(ours), containerInspect({ id: 'p1', name: 'plain' })], Object.fromEntries(stuck.map((id) => [id, [never]])), 1);
    for (const id of stuck) void s.controller.attached(id).catch(() => undefined);
    await s.controller.attached('p1');
    assert.equal(s.count('p1'), 0, 'queued behind the stuck ones, not waited for');
  });

  test('the proxy shutting down answers ShutDownError to a waiting start', async () => {
    const s = setup([ours('c1')], { c1: [fail(new StoreBusyError())] }, 60);
    const waiting = s.controller.attached('c1');
    await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    await assert.rejects(waiting, ShutDownError);
  });

  test('an earlier failure that stopped the container is reported, terminal', async () => {
    const s = setup([ours('c1')], {});
    try {
      s.statuses.set({ id: 'c1', name: 'c1', ours: true, phase: 'failed', addresses: [], lastError: 'address in use', lastReconcile: '' });
      await assert.rejects(s.controller.attached('c1'), { message: 'address in use', terminal: true });
    } finally {
      await s.stop();
    }
  });
});

describe('ContainerController: a started container is reconciled before exits already waiting (issue 14 item 7)', { timeout: 10_000 }, () => {
  test('with one worker busy: start events go first, the reconcile itself is the same', async () => {
    let release = () => undefined as void;
    const held: Step = () => new Promise((resolve) => (release = () => resolve({})));
    const ids = ['busy', 'exit1', 'exit2', 'exit3', 'started'];
    const s = setup(ids.map(ours), { busy: [held, ok] }, 5, { ...DEFAULT_WORK_QUEUE_OPTIONS, workers: 1 });
    try {
      s.controller.onApplicationBootstrap();
      await new Promise((r) => setImmediate(r));
      s.events().onContainer('busy', 'start');
      for (const id of ['exit1', 'exit2', 'exit3']) s.events().onContainer(id, 'die');
      s.events().onContainer('started', 'start');
      release();
      while (s.runs.length < 5) await new Promise((r) => setImmediate(r));
      assert.deepEqual(s.runs, ['busy', 'started', 'exit1', 'exit2', 'exit3']);
    } finally {
      await s.stop();
    }
  });
});
