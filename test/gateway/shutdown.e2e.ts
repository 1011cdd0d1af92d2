// Issue 15 item 5: `timeout 6 weave launch-proxy ... 2>&1 | head -8`, one request, one SIGTERM:
// the log pipe is closed by its reader, and the proxy must still answer and then stop on the one
// signal (old main kept serving after an EPIPE loop until a second signal).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DOCKER_SOCKET_URL, rawRequest } from '../support/http.client';
import { freePort, repoRoot } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { makeStateDir, removeStateDir } from '../support/weave.helpers';

describe('a closed log pipe', () => {
  test('after the reader of its log went away, the proxy answers and one SIGTERM stops it', async () => {
    const port = await freePort();
    const stateDir = makeStateDir('epipe');
    const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
    const args = [main, 'launch-proxy', '-L', `tcp://127.0.0.1:${port}`, '-H', DOCKER_SOCKET_URL, '--state-dir', stateDir];
    // stdout and stderr share one pipe, as with `2>&1 | head`.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      let lines = 0;
      // Like `head -2`: read two lines, then close the read end of the pipe.
      await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => {
        lines += chunk.toString().split('\n').length - 1;
        if (lines >= 2) {
          child.stdout!.destroy();
          resolve();
        }
      }));
      const url = `tcp://127.0.0.1:${port}`;
      await waitFor('the proxy answers /_ping', async () =>
        (await rawRequest(url, 'GET', '/_ping', { timeoutMs: 2_000 }).catch(() => undefined))?.status === 200 || undefined,
      { timeoutMs: 30_000 });
      const list = await rawRequest(url, 'GET', '/containers/json', { timeoutMs: 10_000 });
      assert.equal(list.status, 200);
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 20_000))]);
      assert.notEqual(code, 'running', 'one SIGTERM stopped the proxy');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      removeStateDir(stateDir);
    }
  });
});
