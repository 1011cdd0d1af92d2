// Issue 2, acceptance 6: dockerd stopped while the proxy runs; `docker ps` through the proxy fails
// with a clear error in Docker's shape; dockerd started again, `docker ps` works without restarting
// the proxy. Stops the machine's dockerd, so it runs last (test/run.js orders zz-* files last).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker } from '../support/docker.cli';
import { startDockerd, stopDockerd } from '../support/dockerd';
import { DOCKER_SOCKET_URL, rawRequest } from '../support/http.client';
import { ProxyHandle, startProxy } from '../support/proxy.harness';

// A JavaScript stack frame ("    at fn (file.js:1:2)"): internals the user must not see.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

async function dockerdAnswers(): Promise<boolean> {
  return rawRequest(DOCKER_SOCKET_URL, 'GET', '/_ping', { timeoutMs: 2_000 }).then(
    (r) => r.status === 200,
    () => false,
  );
}

describe('gateway: dockerd stopped and started again under a running proxy', () => {
  let proxy: ProxyHandle;
  before(async () => {
    proxy = await startProxy();
  });
  after(async () => {
    // Whatever happened, leave dockerd running for whoever comes next.
    if (!(await dockerdAnswers())) await startDockerd();
    await proxy?.stop();
  });

  test('docker ps fails clearly while dockerd is down, and works again after', { timeout: 180_000 }, async (t) => {
    const first = await docker(['ps']);
    assert.equal(first.code, 0, describeResult(['ps'], first));

    await stopDockerd();
    try {
      const down = await docker(['ps'], { timeoutMs: 30_000 });
      t.diagnostic(`docker ps while dockerd is down: exit ${down.code}, ${down.stderr.trim()}`);
      assert.notEqual(down.code, 0, describeResult(['ps'], down));
      assert.match(down.stderr, /Error response from daemon/, 'the proxy answered in Docker error shape');
      assert.match(down.stderr, /daemon/i);
      assert.doesNotMatch(down.stderr, STACK_FRAME, 'no stack trace');

      const raw = await rawRequest(proxy.url, 'GET', '/containers/json', { timeoutMs: 30_000 });
      assert.ok(raw.status >= 500 && raw.status < 600, `status ${raw.status}`);
      const body = JSON.parse(raw.body.toString()) as { message?: unknown };
      assert.equal(typeof body.message, 'string', raw.body.toString());
      assert.doesNotMatch(String(body.message), STACK_FRAME);

      assert.equal(proxy.process?.exitCode ?? null, null, `the proxy keeps running\n${proxy.logs()}`);
    } finally {
      await startDockerd();
    }

    const again = await docker(['ps'], { timeoutMs: 30_000 });
    assert.equal(again.code, 0, `${describeResult(['ps'], again)}\nproxy log:\n${proxy.logs().slice(-4000)}`);
    assert.match(again.stdout.toString(), /^CONTAINER ID/);
    assert.equal(proxy.process?.exitCode ?? null, null, 'the same proxy process');
  });
});
