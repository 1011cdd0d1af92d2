// Issue 14, item 7 (CI-sized; the 200-restart version is crash-loop.soak.ts): containers that
// crash-loop under --restart=always are attached again at every restart, before their process
// runs, and leave nothing behind. Eight containers until 40 restarts in all, about five each:
// dockerd's own backoff (100 ms doubling, moby's restartmanager) adds only ~3 s to five restarts,
// while eight each would wait ~25 s, and the ninth restart 26 s more before the loop can end. Then
// every run's process saw ethwe with carrier, up, with its address; the proxy still served a new
// container meanwhile; after removal no vethwe* interface and no lease is left.
// Addresses: 10.2.15.0/24.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attachedRun, restartCount, runsOf, startCrashLoop, stopCrashLoop, strayVeths } from '../support/crash-loop';
import { dockerDirect, dockerOk } from '../support/docker.cli';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { AllocationEntry, adminGet, foreignProxyNote, makeStateDir, removeStateDir } from '../support/weave.helpers';

const CONTAINERS = 8;
const RESTARTS = 40;
const cidrOf = (i: number): string => `10.2.15.${i + 1}/24`;

describe('item 7: crash-looping containers are attached at every restart and leave nothing behind', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  const names = Array.from({ length: CONTAINERS }, (_, i) => uniqueName(`crash-${i}`));
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  before(async () => {
    stateDir = makeStateDir('crashloop-ci');
    proxy = await startProxy(['--state-dir', stateDir]);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test(`${CONTAINERS} containers, ${RESTARTS} restarts: every run saw its address, nothing leaks`, { timeout: 420_000 }, async (t) => {
    const started = Date.now();
    await startCrashLoop(names, cidrOf, 4);
    let seen = 0;
    await waitFor(`${RESTARTS} restarts in all`, async () => {
      seen = await restartCount(names);
      return seen >= RESTARTS ? seen : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000, describe: () => `only ${seen} restarts${logs()}` });
    t.diagnostic(`${seen} restarts ${Math.round((Date.now() - started) / 1000)} s after the first start`);

    // The proxy still serves, and attaches, while the loop runs.
    const probe = await dockerOk(['run', '--rm', '-e', 'WEAVE_CIDR=10.2.15.100/24', 'busybox:local', 'ip', '-4', '-o', 'addr', 'show', 'ethwe']);
    assert.match(probe, /inet 10\.2\.15\.100\/24/);

    await stopCrashLoop(names, 120_000);
    for (const [i, name] of names.entries()) {
      const { lines, runs } = await runsOf(name);
      assert.equal(lines.length, runs, `${name}: one line per run (${runs} runs)\n${lines.join('\n')}${logs()}`);
      const bad = lines.filter((l) => l !== attachedRun(cidrOf(i)));
      assert.deepEqual(bad, [], `${name}: runs that did not see ethwe up with ${cidrOf(i)} (of ${runs})${logs()}`);
    }

    const removed = await dockerDirect(['rm', '-f', ...names], { timeoutMs: 120_000 });
    assert.equal(removed.code, 0, removed.stderr);
    let stray: string[] = [];
    await waitFor('no vethwe* without its process', async () => {
      stray = await strayVeths();
      return stray.length === 0 ? true : undefined;
    }, { timeoutMs: 15_000, describe: () => `${stray.join(' ')}${logs()}` });
    let held: AllocationEntry[] = [];
    await waitFor('no lease of the removed containers', async () => {
      held = ((await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations')) ?? []).filter((a) => a.address.startsWith('10.2.15.'));
      return held.length === 0 ? true : undefined;
    }, { timeoutMs: 15_000, describe: () => `${JSON.stringify(held)}${logs()}` });
  });
});
