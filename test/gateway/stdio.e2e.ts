// Issue 2, acceptance 3: hijacked streams. 10 MB through `docker run -i ... cat` and
// `docker exec -i ... cat` come back unchanged; `docker run -ti` works under a pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { describeResult, docker, dockerEnv, dockerOk } from '../support/docker.cli';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';
import { sha256 } from '../support/wait';

const TEN_MB = 10 * 1024 * 1024;

describe('gateway: hijacked stdin/stdout and tty', () => {
  const proxy = useProxy();

  test('10 MB through docker run -i --rm busybox:local cat', { timeout: 120_000 }, async () => {
    const input = randomBytes(TEN_MB);
    const args = ['run', '-i', '--rm', '--name', uniqueName('cat'), 'busybox:local', 'cat'];
    const r = await docker(args, { input, timeoutMs: 100_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    assert.equal(r.stdout.length, input.length, 'length');
    assert.equal(sha256(r.stdout), sha256(input), 'sha256');
  });

  test('10 MB through docker exec -i <c> cat', { timeout: 120_000 }, async () => {
    const name = uniqueName('exec');
    await dockerOk(['run', '-d', '--name', name, 'busybox:local', 'sleep', '600']);
    const input = randomBytes(TEN_MB);
    const args = ['exec', '-i', name, 'cat'];
    const r = await docker(args, { input, timeoutMs: 100_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    assert.equal(r.stdout.length, input.length, 'length');
    assert.equal(sha256(r.stdout), sha256(input), 'sha256');
  });

  test('docker run -ti under a pseudo-terminal (script -qec)', { timeout: 60_000 }, async () => {
    const cmd = `docker run -ti --rm --name ${uniqueName('tty')} busybox:local sh -c 'tty; echo tty-ok'`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      env: dockerEnv(proxy().url),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    // stdin stays open until the end: its EOF would be typed into the terminal as ^D.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    child.stdin.destroy();
    assert.equal(code, 0, out);
    assert.match(out, /\/dev\/pts\/\d+\r\n/, 'the container has a terminal');
    assert.match(out, /tty-ok\r\n/);
  });

  test('stdin EOF reaches the container while its output still flows back', { timeout: 60_000 }, async () => {
    // wc prints only after stdin's EOF: the proxy must half-close, not close.
    const input = randomBytes(1024 * 1024);
    const args = ['run', '-i', '--rm', '--name', uniqueName('wc'), 'busybox:local', 'wc', '-c'];
    const r = await docker(args, { input, timeoutMs: 50_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    assert.equal(r.stdout.toString().trim(), String(input.length));
  });

  test('an exit code through docker run is passed back', { timeout: 60_000 }, async () => {
    const r = await docker(['run', '--rm', '--name', uniqueName('exit'), 'busybox:local', 'sh', '-c', 'exit 7'], {
      timeoutMs: 50_000,
    });
    assert.equal(r.code, 7, describeResult(['run', 'sh -c "exit 7"'], r));
  });
});
