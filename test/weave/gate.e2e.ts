// Issue 14, items 1, 3, 4, 11: the gate /w/w waits on opens last (hostname -i is the weave
// address from the first instruction); a restarted container is reachable again at once (its
// MAC is derived from its address); nothing waits forever when the proxy's options changed
// between create and start; the wrapper does not show in exec failures nor in docker diff.
// Addresses: 10.2.13.0/24.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { describeResult, docker, dockerDirect, dockerOk } from '../support/docker.cli';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { foreignProxyNote, makeStateDir, removeStateDir } from '../support/weave.helpers';

const stateDirs: string[] = [];
async function freshProxy(args: string[] = []): Promise<ProxyHandle> {
  const dir = makeStateDir('gate');
  stateDirs.push(dir);
  return startProxy(['--state-dir', dir, ...args]);
}
const logs = (p: ProxyHandle): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${p.logs().slice(-3000)}`;

after(async () => {
  await removeRunContainers();
  for (const d of stateDirs) removeStateDir(d);
});

describe('item 1: the process runs only once everything is in place', () => {
  test('docker run --rm -e WEAVE_CIDR=10.2.13.21/24 busybox hostname -i, with fresh proxies and repeated', async () => {
    const outputs: string[] = [];
    for (let round = 0; round < 3; round++) {
      const proxy = await freshProxy();
      try {
        for (let i = 0; i < (round === 2 ? 12 : 1); i++) {
          const args = ['run', '--rm', '-e', 'WEAVE_CIDR=10.2.13.21/24', 'busybox:local', 'hostname', '-i'];
          const r = await docker(args, { timeoutMs: 30_000 });
          assert.equal(r.code, 0, describeResult(args, r) + logs(proxy));
          outputs.push(r.stdout.toString().trim());
        }
      } finally {
        await proxy.stop();
      }
    }
    assert.deepEqual(outputs, outputs.map(() => '10.2.13.21'));
  });
});

describe('item 3: a restarted container is reachable by a peer at once', () => {
  test('a peer pings across docker restart; the outage after the restart returns is short', async (t) => {
    const proxy = await freshProxy();
    try {
      const [a, b] = [uniqueName('peer-a'), uniqueName('peer-b')];
      await dockerOk(['run', '-d', '--name', a, '-e', 'WEAVE_CIDR=10.2.13.1/24', 'busybox:local', 'sleep', '300']);
      await dockerOk(['run', '-d', '--name', b, '-e', 'WEAVE_CIDR=10.2.13.2/24', 'busybox:local', 'sleep', '300']);
      const ping = () => dockerDirect(['exec', a, 'ping', '-c', '1', '-W', '1', '10.2.13.2'], { timeoutMs: 10_000 });
      assert.equal((await ping()).code, 0, 'reachable before (and the peer caches its MAC)');
      await dockerOk(['restart', '-t', '0', b]);
      const returned = Date.now();
      let outage = 0;
      for (;;) {
        if ((await ping()).code === 0) break;
        outage = Date.now() - returned;
        assert.ok(outage < 5_000, `still unreachable ${outage} ms after the restart returned${logs(proxy)}`);
      }
      const ms = Date.now() - returned;
      t.diagnostic(`restart outage seen by the peer: ${outage === 0 ? 'none (first ping answered)' : `${outage} ms`}; first answer after ${ms} ms`);
      console.log(`# item 3: first ping answered ${ms} ms after docker restart returned (failed pings: ${outage > 0})`);
    } finally {
      await removeRunContainers();
      await proxy.stop();
    }
  });
});

describe('item 4: /w/w never waits forever when the proxy changed between create and start', () => {
  test('created with the multicast route, started after a restart with --no-multicast-route: it runs', async () => {
    const name = uniqueName('mcast-then-none');
    const first = await freshProxy();
    await dockerOk(['create', '--name', name, '-e', 'WEAVE_CIDR=10.2.13.31/24', 'busybox:local', 'echo', 'ran']);
    await first.stop();
    const second = await freshProxy(['--no-multicast-route']);
    try {
      const r = await docker(['start', '-a', name], { timeoutMs: 20_000 });
      assert.equal(r.code, 0, describeResult(['start', '-a', name], r) + logs(second));
      assert.equal(r.stdout.toString(), 'ran\n');
    } finally {
      await second.stop();
    }
  });

  test('created with --with-ipam and no WEAVE_CIDR, started after a restart without it: released, it runs', async () => {
    const name = uniqueName('ipam-then-none');
    const first = await freshProxy(['--with-ipam', '--iprange', '10.2.13.128/25']);
    await dockerOk(['create', '--name', name, 'busybox:local', 'echo', 'ran']);
    await first.stop();
    const second = await freshProxy();
    try {
      const r = await docker(['start', '-a', name], { timeoutMs: 20_000 });
      assert.equal(r.code, 0, describeResult(['start', '-a', name], r) + logs(second));
      assert.equal(r.stdout.toString(), 'ran\n');
      assert.match(r.stderr, /released by the weave proxy: running without the weave network/);
    } finally {
      await second.stop();
    }
  });
});

describe('item 11: the wrapper does not show', () => {
  test('exec failures: exit code and message as straight to dockerd; run failures: same exit codes', async () => {
    const proxy = await freshProxy();
    try {
      const name = uniqueName('exec-fail');
      await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=10.2.13.41/24', 'busybox:local', 'sleep', '300']);
      for (const cmd of ['nonexistent', '/etc', '/etc/hosts']) {
        const direct = await dockerDirect(['exec', name, cmd], { timeoutMs: 15_000 });
        const proxied = await docker(['exec', name, cmd], { timeoutMs: 15_000 });
        assert.equal(direct.code, 126, describeResult(['exec', cmd], direct));
        assert.equal(proxied.code, direct.code, `${cmd}: ${describeResult(['exec', cmd], proxied)}${logs(proxy)}`);
        assert.equal(proxied.stderr, direct.stderr, cmd);
      }
      for (const cmd of ['nonexistent', '/etc', '/etc/hosts']) {
        const direct = await dockerDirect(['run', '--rm', 'busybox:local', cmd], { timeoutMs: 15_000 });
        const args = ['run', '--rm', '-e', 'WEAVE_CIDR=10.2.13.42/24', 'busybox:local', cmd];
        const proxied = await docker(args, { timeoutMs: 15_000 });
        assert.equal(proxied.code, direct.code, `${cmd}: ${describeResult(args, proxied)}`);
        assert.match(proxied.stderr + direct.stderr, new RegExp(`exec: "${cmd}"`));
      }
    } finally {
      await removeRunContainers();
      await proxy.stop();
    }
  });

  test('docker diff of an attached container shows only the user\'s changes', async () => {
    const proxy = await freshProxy();
    try {
      const name = uniqueName('diff');
      await dockerOk(['run', '--name', name, '-e', 'WEAVE_CIDR=10.2.13.43/24', 'busybox:local', 'touch', '/tmp/mine']);
      const direct = (await dockerDirect(['diff', name])).stdout.toString();
      assert.match(direct, /^A \/w$/m, 'dockerd itself lists the mount point');
      const shown = await dockerOk(['diff', name]);
      assert.doesNotMatch(shown, /^A \/w$/m);
      assert.match(shown, /^A \/tmp\/mine$/m);
    } finally {
      await removeRunContainers();
      await proxy.stop();
    }
  });
});
