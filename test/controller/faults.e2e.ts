// Issue 14 item 5: a start waits for the attach with retries up to a deadline. A store that fails
// once and a dockerd that answers 500 are retried (the container runs); a dockerd that stalls ends
// in the deadline's message and a killed container; a container that is not ours never waits
// behind stuck reconciles. Faults come from a relay in front of the real dockerd.
// Addresses: 10.2.20.0/24 (claims), 10.2.21.0/24 (the IPAM range).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { describeResult, docker, dockerOk } from '../support/docker.cli';
import { faultyDocker } from '../support/faulty-docker.fixture';
import { uniqueName } from '../support/names';
import { waitFor } from '../support/wait';
import {
  ContainerEntry,
  adminGet,
  ethweAddresses,
  foreignProxyNote,
  inspectDirect,
  isRunning,
} from '../support/weave.helpers';

/** Request lines of the product's own calls about one container (by id or name). */
function aboutContainer(id: string, name: string): RegExp {
  return new RegExp(`^GET /containers/(${id}|${name})/json`);
}

async function created(name: string, weaveCidr: string): Promise<string> {
  return (await dockerOk(['create', '--name', name, '-e', `WEAVE_CIDR=${weaveCidr}`, 'busybox:local', 'sleep', '300'])).trim();
}

describe('faults: retryable failures are retried until the attach deadline (20s)', () => {
  const fx = faultyDocker('faults');
  before(() => fx.startProxy(['--iprange', '10.2.21.0/24', '--attach-timeout', '20s']));
  const logs = (): string => `\n${foreignProxyNote()}\nproxy log (tail):\n${fx.proxy.logs().slice(-3000)}`;

  test('dockerd answers 500 to the first three inspects of the container: the start succeeds', async () => {
    for (let round = 0; round < 3; round++) {
      const name = uniqueName(`5xx${round}`);
      const id = await created(name, `10.2.20.${round + 1}/24`);
      const rule = fx.faults.add(aboutContainer(id, name), 'fail', 3);
      const r = await docker(['start', name], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, describeResult(['start', name], r) + logs());
      assert.ok(rule.hits >= 1, 'the fault was hit');
      assert.equal(await isRunning(name), true);
      assert.deepEqual(await ethweAddresses(name), [`10.2.20.${round + 1}/24`], logs());
    }
  });

  test('the store fails once (its write lock held past the busy timeout): the run succeeds', async () => {
    const name = uniqueName('store-once');
    const db = new Database(path.join(fx.stateDir, 'ipam.db'), { timeout: 100 });
    db.prepare('BEGIN IMMEDIATE').run();
    let committed = false;
    try {
      const run = docker(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300'], { timeoutMs: 60_000 });
      // The first attempt has failed once the controller reports the store's error for it.
      await waitFor(
        'a reconcile failed on the locked store',
        async () => {
          const all = (await adminGet<ContainerEntry[]>(fx.proxy, `/_weave/containers?name=${name}`)) ?? [];
          return all.some((c) => /IPAM store .* is unavailable/.test(c.lastError ?? '')) ? true : undefined;
        },
        { timeoutMs: 20_000, describe: logs },
      );
      db.prepare('COMMIT').run();
      committed = true;
      const r = await run;
      assert.equal(r.code, 0, describeResult(['run', name], r) + logs());
      const addrs = await ethweAddresses(name);
      assert.equal(addrs?.length, 1, logs());
      assert.match(addrs![0], /^10\.2\.21\.\d+\/24$/);
    } finally {
      if (!committed) db.prepare('ROLLBACK').run();
      db.close();
    }
  });

  test('a container that is not ours starts while four attaches are stuck on a stalled dockerd', async () => {
    const stuck = [0, 1, 2, 3].map((i) => uniqueName(`stuck${i}`));
    for (const [i, name] of stuck.entries()) {
      fx.faults.add(aboutContainer(await created(name, `10.2.20.${20 + i}/24`), name), 'stall');
    }
    const starts = stuck.map((name) => docker(['start', name], { timeoutMs: 90_000 }));
    try {
      // Each start's own inspect and each start event's reconcile are stalled.
      await waitFor('eight stalled requests', async () => (fx.faults.stalled >= 8 ? true : undefined), {
        timeoutMs: 15_000,
        describe: () => `${fx.faults.stalled} stalled${logs()}`,
      });
      const plain = uniqueName('plain');
      // Its exit code is the command's: it ran (its output is not checked: the relay's hijacked
      // attach stream is not what this test is about).
      const args = ['run', '--rm', '--name', plain, '-e', 'WEAVE_CIDR=none', 'busybox:local', 'sh', '-c', 'exit 7'];
      const r = await docker(args, { timeoutMs: 30_000 });
      assert.equal(r.code, 7, describeResult(args, r) + logs());
      assert.ok(fx.faults.stalled >= 1, 'it ran while the others were still stuck');
    } finally {
      fx.faults.release();
      await Promise.all(starts);
    }
  });
});

describe('faults: a stalled dockerd ends in the attach deadline (3s)', () => {
  const fx = faultyDocker('deadline');
  before(() => fx.startProxy(['--attach-timeout', '3s']));

  test('docker start answers the deadline\'s message and the container is not left running', async () => {
    const name = uniqueName('stalled');
    fx.faults.add(aboutContainer(await created(name, '10.2.20.40/24'), name), 'stall');
    try {
      const r = await docker(['start', name], { timeoutMs: 30_000 });
      assert.notEqual(r.code, 0, describeResult(['start', name], r));
      assert.match(r.stderr, new RegExp(`Error response from daemon: weave: container ${name} was not attached within the 3s attach timeout`));
      assert.equal(await isRunning(name), false, `killed${fx.proxy.logs().slice(-2000)}`);
      assert.notEqual(await inspectDirect(name, '{{.State.ExitCode}}'), '0');
    } finally {
      fx.faults.release();
    }
  });
});
