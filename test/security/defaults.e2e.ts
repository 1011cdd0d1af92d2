// Issue 8, "safe by default": a TCP listener that is not on loopback and has no --tlsverify logs
// one warning naming the address and the risk (since issue 15 such a plain -L needs the explicit
// opt-in --tls=false, safe-listen.e2e.ts); a unix listener gets the Docker socket's mode and
// group; a live unix socket (another running proxy) is never replaced, a stale one is.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerOk } from '../support/docker.cli';
import { freePort, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';

const WARNING = /anyone who can reach tcp:\/\/[^ ]+ controls Docker, which is root on this host; use --tlsverify/;

/** An address of this host that is not loopback but reachable only from here and its containers. */
function bridgeAddress(): string | undefined {
  try {
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'docker0']).toString())?.[1];
  } catch {
    return undefined;
  }
}

describe('security: safe defaults of the listeners', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-listen-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a non-loopback listener without --tlsverify logs the warning once', { timeout: 60_000 }, async (t) => {
    const addr = bridgeAddress();
    if (!addr) return t.skip('no docker0 address on this host');
    const exposed = `tcp://${addr}:${await freePort()}`;
    const proxy = await startProxy(['-L', exposed, '--tls=false']);
    try {
      const warnings = proxy.logs().split('\n').filter((l) => WARNING.test(l));
      assert.equal(warnings.length, 1, proxy.logs());
      assert.ok(warnings[0].includes(exposed) && /"level":40/.test(warnings[0]), warnings[0]);
    } finally {
      await proxy.stop();
    }
  });

  test('a loopback-only proxy logs no such warning', { timeout: 60_000 }, async () => {
    const proxy = await startProxy();
    await proxy.stop();
    assert.doesNotMatch(proxy.logs(), WARNING);
  });

  test('a unix listener gets the Docker socket mode and group', { timeout: 60_000 }, async () => {
    const sock = path.join(dir, 'mode.sock');
    const proxy = await startProxy(['-L', `unix://${sock}`]);
    try {
      const want = fs.statSync('/var/run/docker.sock');
      const got = fs.statSync(sock);
      assert.equal(got.mode & 0o777, want.mode & 0o777);
      assert.equal(got.gid, want.gid);
      assert.match(await dockerOk(['version', '--format', '{{.Server.Version}}'], { host: `unix://${sock}` }), /\d/);
    } finally {
      await proxy.stop();
    }
  });

  test('a live unix socket of another proxy is not replaced', { timeout: 60_000 }, async () => {
    const sock = path.join(dir, 'live.sock');
    const first = await startProxy(['-L', `unix://${sock}`]);
    try {
      const second = await startProxy(['-L', `unix://${sock}`]).then(
        (p) => p,
        (err: Error) => err,
      );
      assert.ok(second instanceof Error, 'the second proxy must not start');
      assert.match(second.message, /cannot listen on unix:\/\/.*live\.sock: another process is listening on it/);
      assert.match(await dockerOk(['version', '--format', '{{.Server.Version}}'], { host: `unix://${sock}` }), /\d/);
    } finally {
      await first.stop();
    }
  });

  test('a stale socket file is replaced; a regular file is left alone', { timeout: 60_000 }, async () => {
    const stale = path.join(dir, 'stale.sock');
    // A socket file nobody listens on: bound, never listened, process gone.
    execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(stale)})`]);
    assert.ok(fs.statSync(stale).isSocket());
    const proxy = await startProxy(['-L', `unix://${stale}`]);
    await waitFor('the new socket', () => (fs.existsSync(stale) ? true : undefined));
    assert.match(await dockerOk(['version', '--format', '{{.Server.Version}}'], { host: `unix://${stale}` }), /\d/);
    await proxy.stop();

    const file = path.join(dir, 'not-a-socket');
    fs.writeFileSync(file, 'keep me');
    await assert.rejects(startProxy(['-L', `unix://${file}`]), /exists and is not a socket/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  });
});
