// Issue 14 items 2, 6, 9, 10: every address has exactly one owner in the store, claims outside
// the range included, so of two starts claiming one address at the same moment the second fails at
// once naming the first, and nothing running is killed later; the range is stored with the leases;
// a repeated WEAVE_CIDR token is refused at create; the boot prune keeps leases newer than its list.
// Addresses: 10.2.22.0/24 (claims), 10.2.23.0/24 and 10.2.24.0/24 (IPAM ranges).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerOk } from '../support/docker.cli';
import { faultyDocker } from '../support/faulty-docker.fixture';
import { rawRequest } from '../support/http.client';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import {
  AllocationEntry,
  adminGet,
  ethweAddresses,
  foreignProxyNote,
  inspectDirect,
  isRunning,
  makeStateDir,
  removeStateDir,
} from '../support/weave.helpers';

interface Status {
  controller?: { lastResync?: string | null };
}

describe('ownership: one owner per address, refused at start', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('owner');
    proxy = await startProxy(['--state-dir', stateDir, '--iprange', '10.2.23.0/24', '--resync-interval', '1s']);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-3000)}`;

  test('two docker run -d claiming one address at the same moment, 8 rounds: one runs, the other fails naming it', async () => {
    const winners: Array<[string, string]> = [];
    for (let round = 1; round <= 8; round++) {
      const cidr = `10.2.22.${round}/24`;
      const names = [uniqueName(`twin${round}a`), uniqueName(`twin${round}b`)];
      const results = await Promise.all(
        names.map((n) => docker(['run', '-d', '--name', n, '-e', `WEAVE_CIDR=${cidr}`, 'busybox:local', 'sleep', '300'], { timeoutMs: 60_000 })),
      );
      const ok = results.map((r) => r.code === 0);
      assert.equal(ok.filter(Boolean).length, 1, `round ${round}: exactly one runs\n${results.map((r, i) => describeResult([names[i]], r)).join('\n')}${logs()}`);
      const [winner, loser] = ok[0] ? names : [names[1], names[0]];
      const refused = results[ok[0] ? 1 : 0];
      assert.match(refused.stderr, new RegExp(`Error response from daemon: .*10\\.2\\.22\\.${round}\\b.* in use by container ${winner}\\b`));
      assert.equal(await isRunning(loser), false, `round ${round}: ${loser} is not left running`);
      winners.push([winner, cidr]);
    }
    // Later resyncs kill nothing and move nothing.
    const seen = (await adminGet<Status>(proxy, '/_weave/status'))?.controller?.lastResync;
    await waitFor('two more resyncs', async () => {
      const now = (await adminGet<Status>(proxy, '/_weave/status'))?.controller?.lastResync;
      return now && seen && Date.parse(now) >= Date.parse(seen) + 1500 ? true : undefined;
    }, { timeoutMs: 15_000 });
    for (const [name, cidr] of winners) {
      assert.equal(await isRunning(name), true, `${name} still runs${logs()}`);
      assert.deepEqual(await ethweAddresses(name), [cidr]);
    }
  });

  test('a claim outside the range is a lease of its container in /_weave/allocations', async () => {
    const name = uniqueName('outside');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=10.2.22.100/24', 'busybox:local', 'sleep', '300']);
    const id = await inspectDirect(name, '{{.Id}}');
    const leases = (await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations')) ?? [];
    assert.deepEqual(
      leases.filter((l) => l.address === '10.2.22.100').map((l) => [l.containerId, l.prefixLength]),
      [[id, 24]],
    );
  });

  test('a holder that stopped loses its address to a new claim; its own next start fails naming the new holder', async () => {
    const [first, second] = [uniqueName('first'), uniqueName('second')];
    await dockerOk(['run', '-d', '--name', first, '-e', 'WEAVE_CIDR=10.2.22.101/24', 'busybox:local', 'sleep', '300']);
    await dockerOk(['stop', '-t', '0', first]);
    await dockerOk(['run', '-d', '--name', second, '-e', 'WEAVE_CIDR=10.2.22.101/24', 'busybox:local', 'sleep', '300']);
    const r = await docker(['start', first], { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, describeResult(['start', first], r));
    assert.match(r.stderr, new RegExp(`10\\.2\\.22\\.101 is already in use by container ${second}`));
    assert.equal(await isRunning(second), true);
    assert.deepEqual(await ethweAddresses(second), ['10.2.22.101/24']);
  });

  const repeated: Array<[string, string]> = [
    ['10.2.22.200/24 10.2.22.200/24', '10.2.22.200/24'],
    ['net:default net:default', 'net:default'],
  ];
  for (const [value, token] of repeated) {
    test(`WEAVE_CIDR="${value}" is refused at create, naming "${token}"; no container is made`, async () => {
      const name = uniqueName('repeat');
      const args = ['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${value}`, 'busybox:local', 'sleep', '300'];
      const r = await docker(args, { timeoutMs: 30_000 });
      assert.notEqual(r.code, 0, describeResult(args, r));
      assert.ok(r.stderr.includes(`Error response from daemon: invalid WEAVE_CIDR "${token}": repeats`), r.stderr);
      assert.doesNotMatch(r.stderr, /File exists/);
      assert.equal(await inspectDirect(name, '{{.Id}}'), undefined, 'refused at create: nothing was created');
    });
  }
});

describe('ownership: the range is stored with the leases', () => {
  let stateDir: string;
  let proxy: ProxyHandle | undefined;
  before(() => {
    stateDir = makeStateDir('range');
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('a proxy with another --iprange over the same store refuses to start, naming both; the running container keeps its address', async () => {
    proxy = await startProxy(['--state-dir', stateDir, '--iprange', '10.2.24.0/24', '--resync-interval', '1s']);
    const name = uniqueName('ranged');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=net:default', 'busybox:local', 'sleep', '300']);
    const before = await ethweAddresses(name);
    assert.match(before?.[0] ?? '', /^10\.2\.24\.\d+\/24$/);
    await proxy.stop();
    proxy = undefined;
    await assert.rejects(startProxy(['--state-dir', stateDir, '--iprange', '10.32.0.0/12', '--resync-interval', '1s']), (err: Error) => {
      assert.match(err.message, /it exited/);
      assert.match(err.message, /holds addresses of the range 10\.2\.24\.0\/24, but this proxy was started with --iprange 10\.32\.0\.0\/12/);
      return true;
    });
    proxy = await startProxy(['--state-dir', stateDir, '--iprange', '10.2.24.0/24', '--resync-interval', '1s']);
    const ready = await waitFor('readyz', async () => ((await rawRequest(proxy!.url, 'GET', '/_weave/readyz')).status === 200 ? true : undefined));
    assert.ok(ready);
    assert.deepEqual(await ethweAddresses(name), before);
  });
});

describe('ownership: the boot prune keeps a lease taken after its container list', () => {
  const fx = faultyDocker('prune');

  test('a container started while the first list is on its way keeps its lease', async () => {
    // dockerd lists at once; the proxy learns the answer only after the container started.
    const list = fx.faults.add(/^GET \/containers\/json\?all=1/, 'hold-response', 1);
    const proxy = await fx.startProxy(['--iprange', '10.2.24.0/24']);
    await waitFor('the first resync list to be held', async () => (list.hits === 1 ? true : undefined), { timeoutMs: 10_000 });
    const name = uniqueName('window');
    await dockerOk(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300']);
    const id = await inspectDirect(name, '{{.Id}}');
    const [address] = (await ethweAddresses(name)) ?? [];
    fx.faults.release();
    await waitFor('the first resync', async () => ((await rawRequest(proxy.url, 'GET', '/_weave/readyz')).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
    });
    const leases = (await adminGet<AllocationEntry[]>(proxy, '/_weave/allocations')) ?? [];
    assert.deepEqual(
      leases.filter((l) => l.containerId === id).map((l) => `${l.address}/${l.prefixLength}`),
      [address],
      `its lease survived the prune${proxy.logs().slice(-3000)}`,
    );
  });
});
