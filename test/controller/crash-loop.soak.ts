// Issue 14, item 7: veth pairs never leak. Containers crash-loop under --restart=always (each
// restart is a new process, a new namespace and a new attach; the process prints what it saw of
// ethwe and exits 1) until they have been restarted 200 times in all; then every run saw ethwe up
// with its address, and no vethwe* interface on the host belongs to a process that is not a
// running container's. A soak (`npm run test:soak`, not in CI's budget); test/controller/
// crash-loop.e2e.ts is its CI-sized version (5 containers, 40 restarts), and the halfway failures
// that leaked are replayed deterministically by libs/weave/src/attach/attach.gate.spec.ts.
// Addresses: 10.2.14.0/24.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attachedRun, restartCount, runsOf, startCrashLoop, stopCrashLoop, strayVeths } from '../support/crash-loop';
import { dockerDirect } from '../support/docker.cli';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { foreignProxyNote, makeStateDir, removeStateDir } from '../support/weave.helpers';

// dockerd's restart backoff (100 ms doubling to 1 min, reset after 10 s of running; moby's
// restartmanager) is the floor: 25 containers reach 200 restarts after eight each, about 26 s of
// backoff each plus the restarts themselves (straight to dockerd on an idle 2-core host, 25 such
// containers make dockerd itself the bottleneck: a load average near 30, ~55 s to start them).
const CONTAINERS = 25;
// How many `docker run -d` at once: a burst of all of them is what overloads dockerd.
const START_CONCURRENCY = 5;
const RESTARTS = 200;
const LOOP_MS = 900_000;
const cidrOf = (i: number): string => `10.2.14.${i + 1}/24`;

describe('item 7: no veth pair outlives its process in a crash loop', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('crashloop');
    // The soak is about leaks, not start latency: 25 crash-looping containers on a small host
    // make dockerd itself slow (one `docker inspect` can take seconds), so the 20 s default
    // attach deadline of the first starts could kill some of them before the loop even starts.
    proxy = await startProxy(['--state-dir', stateDir, '--attach-timeout', '600s']);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test(`${RESTARTS} restarts of --restart=always containers that exit at once leave no vethwe* behind`, { timeout: 1_500_000 }, async () => {
    const names = Array.from({ length: CONTAINERS }, (_, i) => uniqueName(`crash-${i}`));
    const started = Date.now();
    await startCrashLoop(names, cidrOf, START_CONCURRENCY);
    let seen = 0;
    const total = await waitFor(`${RESTARTS} restarts in all`, async () => {
      seen = await restartCount(names);
      return seen >= RESTARTS ? seen : undefined;
    }, { timeoutMs: LOOP_MS, intervalMs: 2_000, describe: () => `only ${seen} restarts so far (is the machine quiet?)` });
    const loopSeconds = Math.round((Date.now() - started) / 1000);
    await stopCrashLoop(names, 180_000);
    const bad: string[] = [];
    for (const [i, name] of names.entries()) {
      const { lines, runs } = await runsOf(name);
      if (lines.length !== runs) bad.push(`${name}: ${lines.length} lines for ${runs} runs`);
      bad.push(...lines.filter((l) => l !== attachedRun(cidrOf(i))).map((l) => `${name}: ${l}`));
    }
    // End the loop, then every pair must go with its process (netns cleanup is asynchronous).
    await dockerDirect(['rm', '-f', ...names], { timeoutMs: 120_000 });
    let stray: string[] = [];
    await waitFor('every vethwe* to belong to a running container', async () => {
      stray = await strayVeths();
      return stray.length === 0 ? true : undefined;
    }, { timeoutMs: 15_000 }).catch(() => undefined);
    console.log(`# item 7: ${total} restarts in ${loopSeconds} s; runs that missed their address: ${bad.length}; vethwe* left for processes that are not running: ${stray.length}`);
    assert.deepEqual(bad, [], `${foreignProxyNote()}\n${proxy.logs().slice(-3000)}`);
    assert.deepEqual(stray, [], `${foreignProxyNote()}\n${proxy.logs().slice(-3000)}`);
  });
});
