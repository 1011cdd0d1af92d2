// Issue 3, acceptance 1-4: WEAVE_CIDR attaches containers on the weave bridge before their process
// starts; entrypoints run what they would run without the proxy; bad or conflicting WEAVE_CIDR
// fails cleanly; containers that are not ours are left alone. Addresses: 10.2.1.0/24, 10.2.2.0/24.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerDirect, dockerOk } from '../support/docker.cli';
import { removeImages, removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { never, waitFor } from '../support/wait';
import {
  adminGet,
  ContainerEntry,
  dockerPty,
  ethweAddresses,
  hostWeaveVeths,
  inspectDirect,
  isRunning,
  makeStateDir,
  parseInet,
  removeStateDir,
  waitForEthwe,
  foreignProxyNote,
} from '../support/weave.helpers';

const PROBE = 'ip -4 -o addr show ethwe; cat /sys/class/net/ethwe/carrier';

/** The probe's two answers: the addresses on ethwe and the carrier line. */
function probeResult(out: string): { addrs: string[]; carrier: string | undefined } {
  const carrier = /^([01])\r?$/m.exec(out)?.[1];
  return { addrs: parseInet(out), carrier };
}

describe('weave attach: WEAVE_CIDR through the proxy', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  const images: string[] = [];
  before(async () => {
    stateDir = makeStateDir('attach');
    proxy = await startProxy(['--state-dir', stateDir]);
  });
  after(async () => {
    await removeRunContainers();
    await removeImages(images);
    await proxy?.stop();
    removeStateDir(stateDir);
  });
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  test('seed usage: docker run -e WEAVE_CIDR=10.2.1.1/24 -ti busybox:local /bin/sh, first command sees ethwe up', async () => {
    const name = uniqueName('seed-ti');
    const args = ['run', '--rm', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.1/24', '-ti', 'busybox:local', '/bin/sh'];
    const r = await dockerPty(proxy.url, args, `${PROBE}\nexit\n`);
    assert.equal(r.code, 0, `${r.output}${logs()}`);
    // The typed input is echoed; the answers are the lines after the prompt's echo.
    const answers = r.output.slice(r.output.indexOf('# ip -4'));
    const { addrs, carrier } = probeResult(answers);
    assert.deepEqual(addrs, ['10.2.1.1/24'], r.output);
    assert.equal(carrier, '1', r.output);
  });

  test('with -ti and the probe as the command: the first thing the process does sees ethwe', async () => {
    const name = uniqueName('seed-ti-c');
    const args = ['run', '--rm', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.1/24', '-ti', 'busybox:local', '/bin/sh', '-c', PROBE];
    const r = await dockerPty(proxy.url, args);
    assert.equal(r.code, 0, `${r.output}${logs()}`);
    const { addrs, carrier } = probeResult(r.output);
    assert.deepEqual(addrs, ['10.2.1.1/24'], r.output);
    assert.equal(carrier, '1', r.output);
  });

  test('without a tty: the first command sees ethwe with its address and carrier', async () => {
    const args = ['run', '--rm', '--name', uniqueName('seed-notty'), '-e', 'WEAVE_CIDR=10.2.1.1/24', 'busybox:local', 'sh', '-c', PROBE];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    assert.equal(r.stdout.toString().split('\n').length, 3, r.stdout.toString());
    const { addrs, carrier } = probeResult(r.stdout.toString());
    assert.deepEqual(addrs, ['10.2.1.1/24']);
    assert.equal(carrier, '1');
  });

  test('docker create + docker start: the same', async () => {
    // The seed's interactive form: the shell waits on its tty, the address is there.
    const shell = uniqueName('create-ti');
    const id = (await dockerOk(['create', '--name', shell, '-e', 'WEAVE_CIDR=10.2.1.1/24', '-ti', 'busybox:local', '/bin/sh'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    await dockerOk(['start', id]);
    assert.deepEqual(await ethweAddresses(shell), ['10.2.1.1/24'], logs());
    await dockerOk(['rm', '-f', shell]);

    // And the first command of a created container sees it too (start -a prints its output).
    const probe = uniqueName('create-probe');
    await dockerOk(['create', '--name', probe, '-e', 'WEAVE_CIDR=10.2.1.1/24', 'busybox:local', 'sh', '-c', PROBE]);
    const r = await docker(['start', '-a', probe], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(['start', '-a', probe], r) + logs());
    const { addrs, carrier } = probeResult(r.stdout.toString());
    assert.deepEqual(addrs, ['10.2.1.1/24']);
    assert.equal(carrier, '1');
  });

  test('WEAVE_CIDR="10.2.1.1/24 10.2.2.1/24" gives both addresses', async () => {
    const args = ['run', '--rm', '--name', uniqueName('two'), '-e', 'WEAVE_CIDR=10.2.1.1/24 10.2.2.1/24', 'busybox:local', 'sh', '-c', PROBE];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    const { addrs, carrier } = probeResult(r.stdout.toString());
    assert.deepEqual(addrs.sort(), ['10.2.1.1/24', '10.2.2.1/24']);
    assert.equal(carrier, '1');
  });

  test('two containers ping each other over ethwe (exec into proxy containers works)', async () => {
    const [a, b] = [uniqueName('ping-a'), uniqueName('ping-b')];
    await Promise.all([
      dockerOk(['run', '-d', '--name', a, '-e', 'WEAVE_CIDR=10.2.1.11/24', 'busybox:local', 'sleep', '300']),
      dockerOk(['run', '-d', '--name', b, '-e', 'WEAVE_CIDR=10.2.1.12/24', 'busybox:local', 'sleep', '300']),
    ]);
    const shown = await dockerOk(['exec', a, 'ip', '-4', '-o', 'addr', 'show', 'ethwe']);
    assert.deepEqual(parseInet(shown), ['10.2.1.11/24']);
    for (const [from, to] of [[a, '10.2.1.12'], [b, '10.2.1.11']]) {
      const args = ['exec', from, 'ping', '-c', '1', '-W', '3', '-I', 'ethwe', to];
      const r = await docker(args, { timeoutMs: 20_000 });
      assert.equal(r.code, 0, describeResult(args, r) + logs());
      assert.match(r.stdout.toString(), /1 packets received/);
    }
  });

  test('docker run --rm leaves no vethwepl* behind on the host', async () => {
    const name = uniqueName('rm-veth');
    await dockerOk(['run', '-d', '--rm', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.13/24', 'busybox:local', 'sleep', '2']);
    const pid = await inspectDirect(name, '{{.State.Pid}}');
    const veth = `vethwepl${pid}`;
    assert.ok((await hostWeaveVeths()).includes(veth), `${veth} exists while it runs`);
    await waitFor('the --rm container to be gone', async () => ((await inspectDirect(name, '{{.Id}}')) ? undefined : true), {
      timeoutMs: 15_000,
    });
    await waitFor(`${veth} to be gone`, async () => ((await hostWeaveVeths()).includes(veth) ? undefined : true), {
      timeoutMs: 3_000,
      describe: () => logs(),
    });
  });

  test('ENTRYPOINT+CMD, ENTRYPOINT only and --entrypoint run what they run directly on dockerd', async () => {
    const cases: string[][] = [
      ['wp-test/entrypoint-cmd'],
      ['wp-test/entrypoint-cmd', 'arg1', 'arg2'],
      ['wp-test/entrypoint-only'],
      ['wp-test/entrypoint-only', 'x'],
      ['--entrypoint', 'echo', 'busybox:local', 'over', 'ridden'],
      ['--entrypoint', 'echo', 'wp-test/entrypoint-cmd'],
      ['--entrypoint', '/bin/sh', 'wp-test/entrypoint-cmd', '-c', 'echo "$0" sh'],
    ];
    await Promise.all(
      cases.map(async (c, i) => {
        const direct = await dockerDirect(['run', '--rm', ...c], { timeoutMs: 30_000 });
        const args = ['run', '--rm', '-e', `WEAVE_CIDR=10.2.1.${100 + i}/24`, ...c];
        const proxied = await docker(args, { timeoutMs: 30_000 });
        assert.equal(direct.code, 0, describeResult(c, direct));
        assert.equal(proxied.code, 0, describeResult(args, proxied) + logs());
        assert.equal(proxied.stdout.toString(), direct.stdout.toString(), `docker run ${c.join(' ')}`);
      }),
    );
  });

  test('a committed container image runs through the proxy with a single /w/w', async () => {
    const first = uniqueName('commit-src');
    const image = `${uniqueName('commit-img')}:latest`;
    images.push(image);
    await dockerOk(['run', '--name', first, '-e', 'WEAVE_CIDR=10.2.1.21/24', 'busybox:local', 'sh', '-c', 'echo committed > /marker']);
    await dockerOk(['commit', first, image]);
    const second = uniqueName('commit-run');
    const args = ['run', '--name', second, '-e', 'WEAVE_CIDR=10.2.1.22/24', image, 'sh', '-c', `cat /marker; ${PROBE}`];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    assert.match(r.stdout.toString(), /^committed\n/);
    assert.deepEqual(parseInet(r.stdout.toString()), ['10.2.1.22/24']);
    const entrypoint = JSON.parse((await inspectDirect(second, '{{json .Config.Entrypoint}}'))!) as string[];
    assert.equal(entrypoint.filter((e) => e === '/w/w').length, 1, JSON.stringify(entrypoint));
    assert.equal(entrypoint[0], '/w/w');
  });

  test('touch /w/w inside a proxy container fails (read-only)', async () => {
    const args = ['run', '--rm', '-e', 'WEAVE_CIDR=10.2.1.23/24', 'busybox:local', 'touch', '/w/w'];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, describeResult(args, r));
    assert.match(r.stderr + r.stdout.toString(), /Read-only file system/i);
  });

  test('docker exec through the proxy into a container started directly on dockerd', async () => {
    const name = uniqueName('direct');
    const started = await dockerDirect(['run', '-d', '--name', name, 'busybox:local', 'sleep', '300']);
    assert.equal(started.code, 0, describeResult(['run', name], started));
    const args = ['exec', name, 'sh', '-c', 'echo hello from $(hostname); ip link show ethwe 2>/dev/null || echo no-ethwe'];
    const r = await docker(args, { timeoutMs: 15_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    assert.match(r.stdout.toString(), /^hello from \S+\nno-ethwe\n$/);
  });

  test('WEAVE_CIDR=foo: run fails naming foo, nothing stays running', async () => {
    const name = uniqueName('foo');
    const args = ['run', '--name', name, '-e', 'WEAVE_CIDR=foo', 'busybox:local', 'sleep', '300'];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, describeResult(args, r));
    assert.match(r.stderr, /foo/, r.stderr);
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
    assert.equal(await isRunning(name), false, 'not left running');
  });

  test('a second container claiming a held address fails naming the holder; the holder keeps running', async () => {
    const holder = uniqueName('holder');
    await dockerOk(['run', '-d', '--name', holder, '-e', 'WEAVE_CIDR=10.2.1.31/24', 'busybox:local', 'sleep', '300']);
    const thief = uniqueName('thief');
    const args = ['run', '-d', '--name', thief, '-e', 'WEAVE_CIDR=10.2.1.31/24', 'busybox:local', 'sleep', '300'];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, describeResult(args, r));
    assert.ok(r.stderr.includes(holder), `names the holder ${holder}: ${r.stderr}`);
    assert.equal(await isRunning(thief), false, 'the claimant is not left running');
    assert.equal(await isRunning(holder), true, 'the holder keeps running');
    assert.deepEqual(await ethweAddresses(holder), ['10.2.1.31/24'], 'the holder keeps its address');
  });

  test('--net=host is left alone: no /w bind, no /w/w, no ethwe', async () => {
    const name = uniqueName('host');
    await dockerOk(['run', '-d', '--net=host', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.41/24', 'busybox:local', 'sleep', '300']);
    const binds = await inspectDirect(name, '{{json .HostConfig.Binds}}');
    assert.ok(binds === 'null' || binds === '[]', `Binds ${binds}`);
    assert.equal(await inspectDirect(name, '{{json .Config.Entrypoint}}'), 'null');
    // The controller has looked at it (it reports every container it reconciled) ...
    const seen = await waitFor(`${name} in /_weave/containers`, async () => (await adminGet<ContainerEntry[]>(proxy, `/_weave/containers?name=${name}`))?.[0], { describe: () => logs() });
    assert.equal(seen.phase, 'not-ours', JSON.stringify(seen));
    // ... and no attach follows, not even a late one (an attach takes well under a second).
    await never('an ethwe in the --net=host container (the host has none either)', () => ethweAddresses(name));
    assert.equal(await isRunning(name), true);
  });

  test('a user-defined network (docker-compose\'s default) with WEAVE_CIDR: left alone, and docker run says so', async () => {
    const network = uniqueName('usernet');
    const name = uniqueName('usernet-c');
    await dockerOk(['network', 'create', network]);
    try {
      const args = ['run', '--rm', '--name', name, '--net', network, '-e', 'WEAVE_CIDR=10.2.1.42/24', 'busybox:local', 'sh', '-c', 'ip link show ethwe >/dev/null 2>&1 && echo ethwe || echo no-ethwe'];
      const r = await docker(args, { timeoutMs: 30_000 });
      assert.equal(r.code, 0, describeResult(args, r) + logs());
      assert.equal(r.stdout.toString(), 'no-ethwe\n');
      assert.match(r.stderr.toString(), new RegExp(`WARNING: weave proxy: not attached to the weave network: '--net=${network}' is left alone.*network_mode: bridge`));
    } finally {
      await dockerOk(['network', 'rm', network]);
    }
  });

  test('WEAVE_CIDR=none and an image with ENV WEAVE_CIDR=none: not attached, run normally', async () => {
    const cases = [
      ['-e', 'WEAVE_CIDR=none', 'busybox:local'],
      ['wp-test/cidr-none'],
    ];
    for (const c of cases) {
      const name = uniqueName('none');
      const args = ['run', '--name', name, ...c, 'sh', '-c', 'ip link show ethwe >/dev/null 2>&1 && echo ethwe || echo no-ethwe'];
      const r = await docker(args, { timeoutMs: 30_000 });
      assert.equal(r.code, 0, describeResult(args, r) + logs());
      assert.equal(r.stdout.toString(), 'no-ethwe\n');
      const binds = await inspectDirect(name, '{{json .HostConfig.Binds}}');
      assert.ok(binds === 'null' || binds === '[]', `${c.join(' ')}: Binds ${binds}`);
    }
  });

  test('docker restart through the proxy keeps the address', async () => {
    const name = uniqueName('restart');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.51/24', 'busybox:local', 'sleep', '300']);
    const pidBefore = await inspectDirect(name, '{{.State.Pid}}');
    await dockerOk(['restart', '-t', '0', name]);
    assert.notEqual(await inspectDirect(name, '{{.State.Pid}}'), pidBefore, 'a new process');
    // The restart answered only once attached: no wait needed.
    assert.deepEqual(await ethweAddresses(name), ['10.2.1.51/24'], logs());
  });
});

describe('weave attach: --no-multicast-route', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('nomcast');
    proxy = await startProxy(['--state-dir', stateDir, '--no-multicast-route']);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('the container has no 224.0.0.0/4 route but is attached and runs', async () => {
    const args = ['run', '--rm', '-e', 'WEAVE_CIDR=10.2.1.61/24', 'busybox:local', 'sh', '-c', `${PROBE}; ip route`];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `${describeResult(args, r)}\n${proxy.logs().slice(-3000)}`);
    const out = r.stdout.toString();
    assert.deepEqual(parseInet(out), ['10.2.1.61/24']);
    assert.match(out, /10\.2\.1\.0\/24 dev ethwe/);
    assert.doesNotMatch(out, /224\.0\.0\.0\/4/);
  });
});

describe('weave attach: --rewrite-inspect', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('inspect');
    proxy = await startProxy(['--state-dir', stateDir, '--rewrite-inspect']);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('docker inspect shows the weave address in NetworkSettings.IPAddress', async () => {
    const name = uniqueName('inspect');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=10.2.1.71/24', 'busybox:local', 'sleep', '300']);
    const shown = (await dockerOk(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name])).trim();
    assert.equal(shown, '10.2.1.71');
    const direct = await inspectDirect(name, '{{.NetworkSettings.IPAddress}}');
    assert.notEqual(direct, '10.2.1.71', 'dockerd itself does not know it: the proxy rewrote it');
  });
});
