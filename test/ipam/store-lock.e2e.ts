// Issue 15 item 6: another process (the sqlite3 CLI) holds the write lock of the embedded store
// with BEGIN EXCLUSIVE. The proxy must keep serving (docker ps answers while a weave docker run
// waits for the lock) and the run must complete once the lock is released. Old main busy-waited
// on the event loop for 5 s and then failed the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { docker, dockerDirect, dockerOk, waitForOutput } from '../support/docker.cli';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { makeStateDir, removeStateDir } from '../support/weave.helpers';

describe('the embedded store locked by another process', () => {
  let proxy: ProxyHandle;
  let stateDir: string;

  before(async () => {
    stateDir = makeStateDir('store-lock');
    proxy = await startProxy(['--state-dir', stateDir]);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('docker ps answers while a weave docker run waits; the run completes after the lock is released', async () => {
    const holder = spawn('sqlite3', [path.join(stateDir, 'ipam.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      holder.stdin!.write("BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
      await waitForOutput(holder, /locked/);
      const name = uniqueName('locked');
      let runSettled = false;
      const run = docker(['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=10.2.5.1/24', 'busybox:local', 'sleep', '600'], { timeoutMs: 60_000 })
        .finally(() => (runSettled = true));
      // dockerd started it: the proxy's attach (which reserves the address) is under way.
      await waitFor('the container started by dockerd', async () =>
        (await dockerDirect(['inspect', '-f', '{{.State.Running}}', name])).stdout.toString().trim() === 'true' || undefined,
      { timeoutMs: 30_000 });
      for (let i = 0; i < 3; i++) {
        const ps = await docker(['ps', '-q'], { timeoutMs: 30_000 });
        assert.equal(ps.code, 0, ps.stderr);
      }
      assert.equal(runSettled, false, 'the run waits for the lock while docker ps is served');
      holder.stdin!.end('COMMIT;\n.quit\n');
      const r = await run;
      assert.equal(r.code, 0, `${r.stderr}\n${proxy.logs().slice(-2000)}`);
      assert.equal((await dockerOk(['inspect', '-f', '{{.State.Running}}', name])).trim(), 'true');
    } finally {
      if (holder.exitCode === null) holder.kill();
    }
  });
});
