// Issue 4, acceptance 1-4: automatic addresses (blank WEAVE_CIDR, net:SUBNET, --with-ipam) from the
// embedded store: unique under concurrency, released on destroy, kept across container and proxy
// restarts and a kill -9 of the proxy, a clean error when a subnet is exhausted.
// Addresses: 10.2.3.0/24 (the seed's range), 10.32.4.0/28, 10.32.5.0/30, 10.32.6.0/24.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerOk } from '../support/docker.cli';
import { RUN_PREFIX, removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { shared } from '../support/fixture';
import { waitFor } from '../support/wait';
import {
  AllocationEntry,
  adminGet,
  dockerPty,
  ethweAddresses,
  inspectDirect,
  isRunning,
  makeStateDir,
  parseInet,
  removeStateDir,
  foreignProxyNote,
} from '../support/weave.helpers';
import { dockerApi } from '../support/http.client';

const PROBE = 'ip -4 -o addr show ethwe; cat /sys/class/net/ethwe/carrier';
const SEED_RANGE = /^10\.2\.3\.([0-9]+)\/24$/;

function assertHostAddress(cidr: string, re: RegExp, msg = ''): void {
  const m = re.exec(cidr);
  assert.ok(m, `${cidr} in the range ${msg}`);
  const last = Number(m[1]);
  assert.ok(last > 0 && last < 255, `${cidr}: neither the network nor the broadcast address ${msg}`);
}

function assertDistinct(addrs: string[], msg = ''): void {
  const ips = addrs.map((a) => a.split('/')[0]);
  assert.equal(new Set(ips).size, ips.length, `duplicate addresses ${msg}: ${JSON.stringify(addrs.sort())}`);
}

interface Summary {
  Id: string;
  Names: string[];
  State: string;
}

/** This run's containers that are running now, by name. */
async function runningOfRun(): Promise<Summary[]> {
  const filters = encodeURIComponent(JSON.stringify({ name: [`^/${RUN_PREFIX}`], status: ['running'] }));
  return dockerApi<Summary[]>('GET', `/containers/json?filters=${filters}`);
}

async function allIds(): Promise<Set<string>> {
  const all = await dockerApi<Summary[]>('GET', '/containers/json?all=1');
  return new Set(all.map((c) => c.Id));
}

describe('ipam: --iprange 10.2.3.0/24 (the seed page)', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  const args = (): string[] => ['--iprange', '10.2.3.0/24', '--state-dir', stateDir];
  before(async () => {
    stateDir = makeStateDir('ipam');
    proxy = await startProxy(args());
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop('SIGKILL');
    removeStateDir(stateDir);
  });
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  test('seed usage: docker run -e WEAVE_CIDR= -ti busybox:local /bin/sh shows a 10.2.3.x address on ethwe', async () => {
    const name = uniqueName('seed-ipam');
    const r = await dockerPty(proxy.url, ['run', '--rm', '--name', name, '-e', 'WEAVE_CIDR=', '-ti', 'busybox:local', '/bin/sh'], `${PROBE}\nexit\n`);
    assert.equal(r.code, 0, r.output + logs());
    const answers = r.output.slice(r.output.indexOf('# ip -4'));
    const addrs = parseInet(answers);
    assert.equal(addrs.length, 1, r.output);
    assertHostAddress(addrs[0], SEED_RANGE);
    assert.match(answers, /^1\r?$/m, 'carrier 1');
  });

  test('docker restart keeps the allocated address', async () => {
    const name = uniqueName('ipam-restart');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300']);
    const before = await ethweAddresses(name);
    assert.equal(before?.length, 1, logs());
    assertHostAddress(before![0], SEED_RANGE);
    await dockerOk(['restart', '-t', '0', name]);
    assert.deepEqual(await ethweAddresses(name), before, logs());
  });

  /** 20 containers started at once; the addresses they got, by name (undefined: the run failed). */
  const burst = shared(async () => {
    const names = Array.from({ length: 20 }, (_, i) => uniqueName(`burst${i}`));
    const results = await Promise.all(
      names.map((n) => docker(['run', '-d', '--name', n, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300'], { timeoutMs: 60_000 })),
    );
    const addrs = await Promise.all(names.map((n) => ethweAddresses(n)));
    return names.map((name, i) => ({ name, result: results[i], addrs: addrs[i] }));
  });

  test('20 containers started concurrently get 20 distinct addresses', async (t) => {
    const started = await burst();
    for (const { name, result, addrs } of started) {
      assert.equal(result.code, 0, describeResult(['run', name], result) + logs());
      assert.equal(addrs?.length, 1, `${name}: ${JSON.stringify(addrs)}`);
      assertHostAddress(addrs![0], SEED_RANGE, name);
    }
    assertDistinct(started.map((b) => b.addrs![0]));

    const allocations = await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations');
    if (!allocations) {
      t.diagnostic('GET /_weave/allocations answers 404: not checked');
      return;
    }
    for (const { name, addrs } of started) {
      const id = (await inspectDirect(name, '{{.Id}}'))!;
      const mine: AllocationEntry[] = allocations.filter((a) => a.containerId === id);
      assert.deepEqual(mine.map((a) => `${a.address}/${a.prefixLength}`), [addrs![0]], `${name} in /_weave/allocations`);
    }
  });

  test('restarting the proxy keeps every allocation', async (t) => {
    const started = await burst();
    const burstAddrs = new Map(started.map((b) => [b.name, b.addrs?.[0]]));
    const first = started[0].name;
    assert.ok([...burstAddrs.values()].every((a) => a !== undefined), `every burst container has an address: ${JSON.stringify([...burstAddrs])}`);
    const allocBefore = await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations');
    await proxy.stop();
    proxy = await startProxy(args());
    // Containers keep their addresses, and a new allocation never hands out one of them.
    for (const [n, cidr] of burstAddrs) assert.deepEqual(await ethweAddresses(n), [cidr], n);
    const fresh = uniqueName('after-restart');
    await dockerOk(['run', '-d', '--name', fresh, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300']);
    const freshAddr = (await ethweAddresses(fresh))![0];
    assert.ok(![...burstAddrs.values()].includes(freshAddr), `${freshAddr} was not held by a burst container`);
    // A proxy-driven restart after the proxy restart still finds the lease.
    await dockerOk(['restart', '-t', '0', first]);
    assert.deepEqual(await ethweAddresses(first), [burstAddrs.get(first)], logs());
    const allocAfter = await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations');
    if (!allocBefore || !allocAfter) {
      t.diagnostic('GET /_weave/allocations answers 404: not compared');
      return;
    }
    const key = (a: AllocationEntry): string => `${a.containerId} ${a.address}/${a.prefixLength}`;
    const after = new Set(allocAfter.map(key));
    for (const a of allocBefore) assert.ok(after.has(key(a)), `kept across the restart: ${key(a)}`);
  });

  test('kill -9 of the proxy during a burst of starts: no duplicate, no orphan after it restarts', { timeout: 60_000 }, async (t) => {
    const names = Array.from({ length: 12 }, (_, i) => uniqueName(`kill9-${i}`));
    const runs = names.map((n) =>
      docker(['run', '-d', '--name', n, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300'], { timeoutMs: 30_000 }),
    );
    // Kill it once a few runs are through: others are then mid-create, mid-start or mid-attach.
    let done = 0;
    runs.forEach((r) => void r.then(() => done++));
    await waitFor('3 runs to finish', () => (done >= 3 ? true : undefined), { timeoutMs: 20_000 }).catch(() => undefined);
    await proxy.stop('SIGKILL');
    const results = await Promise.all(runs);
    t.diagnostic(`runs that succeeded before the kill: ${results.filter((r) => r.code === 0).length}/${names.length}`);
    proxy = await startProxy(args());

    // Every container that runs now is waiting in /w/w or attached; the restarted proxy attaches
    // the waiting ones (its resync at start).
    const running = await waitFor(
      'every running container of this run to have an address',
      async () => {
        const live = await runningOfRun();
        const addrs = await Promise.all(live.map((c) => ethweAddresses(c.Id)));
        return addrs.every((a) => a && a.length > 0) ? live.map((c, i) => ({ c, addrs: addrs[i]! })) : undefined;
      },
      { timeoutMs: 15_000, describe: () => logs() },
    );
    const flat = running.flatMap((r) => r.addrs);
    assertDistinct(flat, 'among running containers');
    for (const r of running) {
      if (r.c.Names.some((n) => n.includes('-kill9-'))) assertHostAddress(r.addrs[0], SEED_RANGE, r.c.Names[0]);
    }

    const allocations = await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations');
    if (!allocations) {
      t.diagnostic('GET /_weave/allocations answers 404: orphans checked by addresses only');
      return;
    }
    const exists = await allIds();
    const orphans = allocations.filter((a) => !exists.has(a.containerId));
    assert.deepEqual(orphans, [], 'no allocation belongs to a container that does not exist');
    assertDistinct(allocations.map((a) => `${a.address}/${a.prefixLength}`), 'in /_weave/allocations');
    // Each running container's ethwe address is the one the store holds for it.
    for (const r of running) {
      const held = allocations.filter((a) => a.containerId === r.c.Id).map((a) => `${a.address}/${a.prefixLength}`);
      for (const cidr of r.addrs) {
        if (SEED_RANGE.test(cidr)) assert.ok(held.includes(cidr), `${r.c.Names[0]} ${cidr} held in the store: ${held}`);
      }
    }
  });
});

describe('ipam: the legacy spelling -iprange 10.2.3.0/24', () => {
  let proxy: ProxyHandle | undefined;
  let stateDir: string;
  before(() => {
    stateDir = makeStateDir('ipam-legacy');
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('launch-proxy -iprange 10.2.3.0/24, then WEAVE_CIDR= gives a 10.2.3.x address', async () => {
    proxy = await startProxy(['-iprange', '10.2.3.0/24', '--state-dir', stateDir]);
    const args = ['run', '--rm', '-e', 'WEAVE_CIDR=', 'busybox:local', 'sh', '-c', PROBE];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r) + proxy.logs().slice(-3000));
    const addrs = parseInet(r.stdout.toString());
    assert.equal(addrs.length, 1);
    assertHostAddress(addrs[0], SEED_RANGE);
  });
});

describe('ipam: --with-ipam and subnets of the default range 10.32.0.0/12', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('ipam-auto');
    proxy = await startProxy(['--with-ipam', '--state-dir', stateDir]);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  test('--with-ipam: a container without WEAVE_CIDR gets an address from 10.32.0.0/12', async () => {
    const args = ['run', '--rm', 'busybox:local', 'sh', '-c', PROBE];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    const addrs = parseInet(r.stdout.toString());
    assert.equal(addrs.length, 1, r.stdout.toString());
    assert.match(addrs[0], /^10\.(3[2-9]|4[0-7])\.\d+\.\d+\/12$/);
  });

  /** 50 `docker run --rm` in a row in one /28 (it holds 14): their exit codes, stderr and addresses. */
  const loop = shared(async () => {
    const started = Date.now();
    const runs: Array<{ code: number | null; stderr: string; addr?: string }> = [];
    for (let i = 0; i < 50; i++) {
      const args = ['run', '--rm', '-e', 'WEAVE_CIDR=net:10.32.4.0/28', 'busybox:local', 'ip', '-4', '-o', 'addr', 'show', 'ethwe'];
      const r = await docker(args, { timeoutMs: 30_000 });
      runs.push({ code: r.code, stderr: r.stderr, addr: parseInet(r.stdout.toString())[0] });
    }
    return { runs, ms: Date.now() - started };
  });

  test('50 docker run --rm -e WEAVE_CIDR=net:10.32.4.0/28 in a row: no address leaks (never "no free address")', { timeout: 120_000 }, async (t) => {
    const { runs, ms } = await loop();
    const failed = runs.filter((x) => x.code !== 0);
    t.diagnostic(`50 runs in ${ms} ms; ${failed.length} failed; ${new Set(runs.map((x) => x.addr)).size} distinct addresses`);
    // A /28 holds 14: without releases the 15th run would find it exhausted.
    const exhausted = failed.filter((x) => /no free address/.test(x.stderr));
    assert.deepEqual(exhausted.map((x) => x.stderr.trim()), [], `addresses leaked${logs()}`);
    assert.ok(runs.filter((x) => x.code === 0).length >= 15, `at least 15 runs succeeded: ${JSON.stringify(failed.map((x) => x.stderr.trim()))}`);
    for (const x of runs) {
      if (!x.addr) continue;
      const last = Number(x.addr.split('/')[0].split('.')[3]);
      assert.ok(/^10\.32\.4\.\d+\/28$/.test(x.addr) && last > 0 && last < 15, `${x.addr}: a host address of 10.32.4.0/28`);
    }
  });

  test('... and all 50 succeed', { timeout: 120_000 }, async () => {
    const { runs } = await loop();
    assert.equal(runs.length, 50);
    const failed = runs.filter((x) => x.code !== 0);
    assert.deepEqual(failed.map((x) => x.stderr.trim()), []);
  });

  test('exhaustion: the third concurrent container in net:10.32.5.0/30 fails clearly and is not left running', async () => {
    const names = [uniqueName('x30-a'), uniqueName('x30-b'), uniqueName('x30-c')];
    const results = await Promise.all(
      names.map((n) => docker(['run', '-d', '--name', n, '-e', 'WEAVE_CIDR=net:10.32.5.0/30', 'busybox:local', 'sleep', '300'], { timeoutMs: 30_000 })),
    );
    const ok = results.filter((r) => r.code === 0);
    const failed = results.map((r, i) => ({ r, n: names[i] })).filter((x) => x.r.code !== 0);
    assert.equal(ok.length, 2, results.map((r, i) => describeResult([names[i]], r)).join('\n') + logs());
    assert.equal(failed.length, 1);
    assert.match(failed[0].r.stderr, /no free address in 10\.32\.5\.0\/30/);
    assert.equal(await isRunning(failed[0].n), false, 'the refused container is not running');
    const addrs = await Promise.all(names.filter((n) => n !== failed[0].n).map((n) => ethweAddresses(n)));
    assert.deepEqual(addrs.map((a) => a![0]).sort(), ['10.32.5.1/30', '10.32.5.2/30']);
  });

  test('a subnet outside the range is refused naming both', async () => {
    const name = uniqueName('outside');
    const args = ['run', '--name', name, '-e', 'WEAVE_CIDR=net:192.168.250.0/24', 'busybox:local', 'true'];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, describeResult(args, r));
    assert.match(r.stderr, /192\.168\.250\.0\/24/);
    assert.match(r.stderr, /10\.32\.0\.0\/12/);
    assert.equal(await isRunning(name), false);
  });

  test('an address released on destroy is handed out again (docker rm frees it at once)', async () => {
    // /30 again, now empty: two holders take both addresses; removing one frees its address.
    const [a, b, c] = [uniqueName('rm-a'), uniqueName('rm-b'), uniqueName('rm-c')];
    await dockerOk(['run', '-d', '--name', a, '-e', 'WEAVE_CIDR=net:10.32.6.0/30', 'busybox:local', 'sleep', '300']);
    await dockerOk(['run', '-d', '--name', b, '-e', 'WEAVE_CIDR=net:10.32.6.0/30', 'busybox:local', 'sleep', '300']);
    const freed = (await ethweAddresses(a))![0];
    await dockerOk(['rm', '-f', a]);
    // The release follows dockerd's destroy event, which reaches the proxy a moment later.
    await waitFor(
      `${freed} to be released`,
      async () => {
        const held = await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations');
        assert.ok(held, 'GET /_weave/allocations');
        return held.some((x) => `${x.address}/${x.prefixLength}` === freed) ? undefined : true;
      },
      { describe: () => logs() },
    );
    const r = await docker(['run', '-d', '--name', c, '-e', 'WEAVE_CIDR=net:10.32.6.0/30', 'busybox:local', 'sleep', '300'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(['run', c], r) + logs());
    assert.deepEqual(await ethweAddresses(c), [freed]);
  });
});
