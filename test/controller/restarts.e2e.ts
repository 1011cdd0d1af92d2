// Issue 5, acceptance 1-4: the controller keeps containers attached whatever restarts them: a
// restart through the proxy or straight on dockerd, kill -9 of the process (restart policy), a
// proxy restart, a container started while the proxy was down, events dropped on the way; and a
// container whose attach keeps failing is retried and reported without slowing anything else.
// (dockerd restarts: zz-dockerd-restart.e2e.ts, last in this folder.)
// Addresses: 10.2.7.0/24 (claims), 10.2.8.0/24 (the IPAM range).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerDirect, dockerOk } from '../support/docker.cli';
import { startEventDropper, EventDropper } from '../support/event.dropper';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { never, waitFor } from '../support/wait';
import {
  ContainerEntry,
  adminGet,
  ethweAddresses,
  inspectDirect,
  isRunning,
  makeStateDir,
  removeStateDir,
  waitForEthwe,
  foreignProxyNote,
} from '../support/weave.helpers';

const IPAM_RANGE = /^10\.2\.8\.\d+\/24$/;

/** Waits (up to 15 s: Docker's restart-policy delay) until the container runs a process other than `oldPid`. */
async function newPid(name: string, oldPid: string): Promise<string> {
  return waitFor(
    `${name} to run again`,
    async () => {
      const pid = await inspectDirect(name, '{{if .State.Running}}{{.State.Pid}}{{end}}');
      return pid && pid !== oldPid ? pid : undefined;
    },
    { timeoutMs: 15_000 },
  );
}

describe('controller: containers stay attached across restarts', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  const args = (): string[] => ['--iprange', '10.2.8.0/24', '--state-dir', stateDir];
  const claimed = uniqueName('always-claim');
  const ipam = uniqueName('always-ipam');
  let ipamAddr: string;
  const expected = (): Array<[string, string[]]> => [
    [claimed, ['10.2.7.1/24']],
    [ipam, [ipamAddr]],
  ];
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  /** Both containers have their addresses again within 5 s; answers the slower time. */
  async function bothAttachedWithin5s(what: string): Promise<number> {
    const times = await Promise.all(
      expected().map(async ([n, addrs]) => {
        try {
          return (await waitForEthwe(n, addrs, 5_000)).ms;
        } catch (err) {
          throw new Error(`${what}: ${(err as Error).message}${logs()}`);
        }
      }),
    );
    return Math.max(...times);
  }

  before(async () => {
    stateDir = makeStateDir('ctl');
    proxy = await startProxy(args());
    await Promise.all([
      dockerOk(['run', '-d', '--restart=always', '--name', claimed, '-e', 'WEAVE_CIDR=10.2.7.1/24', 'busybox:local', 'sleep', '600']),
      dockerOk(['run', '-d', '--restart=always', '--name', ipam, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '600']),
    ]);
    const a = await ethweAddresses(ipam);
    assert.equal(a?.length, 1, `IPAM container attached: ${JSON.stringify(a)}`);
    assert.match(a![0], IPAM_RANGE);
    ipamAddr = a![0];
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('docker restart through the proxy', async (t) => {
    await Promise.all([dockerOk(['restart', '-t', '0', claimed]), dockerOk(['restart', '-t', '0', ipam])]);
    t.diagnostic(`attached ${await bothAttachedWithin5s('restart through the proxy')} ms after the restart answered`);
  });

  test('docker restart sent to dockerd directly', async (t) => {
    const pids = await Promise.all([claimed, ipam].map((n) => inspectDirect(n, '{{.State.Pid}}')));
    const r = await Promise.all([claimed, ipam].map((n) => dockerDirect(['restart', '-t', '0', n])));
    r.forEach((x) => assert.equal(x.code, 0, describeResult(['restart'], x)));
    assert.notDeepEqual(await Promise.all([claimed, ipam].map((n) => inspectDirect(n, '{{.State.Pid}}'))), pids);
    t.diagnostic(`attached ${await bothAttachedWithin5s('direct restart')} ms after dockerd answered`);
  });

  test('kill -9 of the container process on the host (the restart policy restarts it)', async (t) => {
    for (const n of [claimed, ipam]) {
      const pid = (await inspectDirect(n, '{{.State.Pid}}'))!;
      process.kill(Number(pid), 'SIGKILL');
      // Measured from when dockerd has restarted it (its restart delay is not ours).
      await newPid(n, pid);
    }
    t.diagnostic(`attached ${await bothAttachedWithin5s('kill -9')} ms after the new process ran`);
  });

  test('restarting the proxy: restarted and started while it was down, attached within 5 s of its start', async (t) => {
    const late = uniqueName('started-while-down');
    // Created through the proxy (so it has /w/w and the /w bind), started while the proxy is down.
    await dockerOk(['create', '--name', late, '-e', 'WEAVE_CIDR=10.2.7.3/24', 'busybox:local', 'sleep', '600']);
    await proxy.stop();
    const pids = await Promise.all([claimed, ipam].map((n) => inspectDirect(n, '{{.State.Pid}}')));
    for (const n of [claimed, ipam]) assert.equal((await dockerDirect(['restart', '-t', '0', n])).code, 0);
    assert.equal((await dockerDirect(['start', late])).code, 0);
    assert.notDeepEqual(await Promise.all([claimed, ipam].map((n) => inspectDirect(n, '{{.State.Pid}}'))), pids);
    // Nobody attaches them while the proxy is down: the processes wait in /w/w (a running proxy
    // would attach within a second).
    await never(`an ethwe in ${late} while the proxy is down`, () => ethweAddresses(late));

    proxy = await startProxy(args());
    const ms = await bothAttachedWithin5s('after the proxy restart');
    const lateMs = (await waitForEthwe(late, ['10.2.7.3/24'], 5_000)).ms;
    t.diagnostic(`attached ${Math.max(ms, lateMs)} ms after the proxy was healthy`);
    assert.equal(await isRunning(late), true);
  });

  test('a container whose attach keeps failing: retried, cause in /_weave/containers, others not slowed', async (t) => {
    // Baseline: how long a start through the proxy takes now.
    const t0 = Date.now();
    await dockerOk(['run', '-d', '--name', uniqueName('baseline'), '-e', 'WEAVE_CIDR=10.2.7.4/24', 'busybox:local', 'sleep', '600']);
    const baseline = Date.now() - t0;

    // Fill a /30 of the range (2 addresses), then start a third container of that subnet straight
    // on dockerd: no start request to fail, so the controller keeps retrying it (not terminal).
    const [h1, h2, stuck] = [uniqueName('full-1'), uniqueName('full-2'), uniqueName('stuck')];
    await dockerOk(['run', '-d', '--name', h1, '-e', 'WEAVE_CIDR=net:10.2.8.252/30', 'busybox:local', 'sleep', '600']);
    await dockerOk(['run', '-d', '--name', h2, '-e', 'WEAVE_CIDR=net:10.2.8.252/30', 'busybox:local', 'sleep', '600']);
    await dockerOk(['create', '--name', stuck, '-e', 'WEAVE_CIDR=net:10.2.8.252/30', 'busybox:local', 'sleep', '600']);
    assert.equal((await dockerDirect(['start', stuck])).code, 0);
    const stuckId = (await inspectDirect(stuck, '{{.Id}}'))!;

    // Meanwhile other containers start as fast as before.
    const t1 = Date.now();
    const other = uniqueName('meanwhile');
    await dockerOk(['run', '-d', '--name', other, '-e', 'WEAVE_CIDR=10.2.7.5/24', 'busybox:local', 'sleep', '600']);
    const meanwhile = Date.now() - t1;
    t.diagnostic(`start through the proxy: ${baseline} ms before, ${meanwhile} ms while one container keeps failing`);
    assert.ok(meanwhile < baseline * 2 + 1_000, `not slowed down: ${meanwhile} ms vs ${baseline} ms`);
    assert.deepEqual(await ethweAddresses(other), ['10.2.7.5/24']);

    const first = await adminGet<ContainerEntry[]>(proxy, '/_weave/containers');
    if (first) {
      const entry = await waitFor(
        `${stuck} to show its cause in /_weave/containers`,
        async () => {
          const list = (await adminGet<ContainerEntry[]>(proxy, '/_weave/containers')) ?? [];
          const e = list.find((c) => c.id === stuckId);
          return e?.lastError && /no free address in 10\.2\.8\.252\/30/.test(e.lastError) ? e : undefined;
        },
        { timeoutMs: 5_000, describe: () => logs() },
      );
      assert.equal(entry.ours, true);
      // Retried: the last reconcile moves on.
      await waitFor(
        `another reconcile of ${stuck}`,
        async () => {
          const e = ((await adminGet<ContainerEntry[]>(proxy, '/_weave/containers')) ?? []).find((c) => c.id === stuckId);
          return e && e.lastReconcile !== entry.lastReconcile ? true : undefined;
        },
        { timeoutMs: 8_000 },
      );
    } else {
      t.todo('GET /_weave/containers answers 404: the cause could not be checked');
    }
    assert.equal(await isRunning(stuck), true, 'never killed for a transient failure: it waits in /w/w');
    assert.equal(await ethweAddresses(stuck), undefined);

    // Once an address is free the retry attaches it.
    const freed = (await ethweAddresses(h1))![0];
    await dockerOk(['rm', '-f', h1]);
    const { ms } = await waitForEthwe(stuck, [freed], 15_000);
    t.diagnostic(`attached by a retry ${ms} ms after an address was freed`);
  });
});

describe('controller: dropped events are caught by the resync', () => {
  let dropper: EventDropper;
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('ctl-drop');
    dropper = await startEventDropper();
    // The proxy talks to dockerd through the dropper, which can swallow its events.
    proxy = await startProxy(['--resync-interval', '2s', '--iprange', '10.2.8.0/24', '--state-dir', stateDir], {
      dockerHost: dropper.url,
    });
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    await dropper?.close();
    removeStateDir(stateDir);
  });

  test('a restart whose events never arrive is attached within the resync interval + 5 s', async (t) => {
    const name = uniqueName('dropped');
    await dockerOk(['run', '-d', '--restart=always', '--name', name, '-e', 'WEAVE_CIDR=10.2.7.10/24', 'busybox:local', 'sleep', '600']);
    assert.ok(dropper.eventStreams >= 1, 'the proxy follows the event stream through the dropper');
    const streams = dropper.eventStreams;
    const pid = await inspectDirect(name, '{{.State.Pid}}');
    dropper.dropping = true;
    try {
      const r = await dockerDirect(['restart', '-t', '0', name]);
      assert.equal(r.code, 0, describeResult(['restart', name], r));
      assert.notEqual(await inspectDirect(name, '{{.State.Pid}}'), pid);
      const { ms } = await waitForEthwe(name, ['10.2.7.10/24'], 7_000);
      t.diagnostic(`re-attached ${ms} ms after the restart; ${dropper.dropped} event chunks dropped`);
      assert.ok(dropper.dropped > 0, 'the restart events were really dropped');
      assert.equal(dropper.eventStreams, streams, 'the stream stayed up (no reconnect resync): the periodic resync did it');
    } finally {
      dropper.dropping = false;
    }
  });
});
