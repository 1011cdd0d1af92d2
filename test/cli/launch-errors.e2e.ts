// Issue 11, finding 4: `weave launch-proxy` with bad flags exits 2 and prints every problem, each
// named by its flag, before it touches Docker (no dockerd needed: -H points at no socket at all).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/proxy.harness';

const NO_DOCKER = 'unix:///nonexistent/wpx-cli-test/docker.sock';

async function weave(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('weave launch-proxy: bad flags', () => {
  test('every bad flag is printed at once, exit 2, nothing started', { timeout: 30_000 }, async () => {
    const r = await weave([
      'launch-proxy', '-H', NO_DOCKER, '-L', 'tcp://127.0.0.1:99999',
      '--iprange', '10.0.0.1/8', '--store', 'foo', '--dns-listen', 'not-an-ip',
      '--hostname-match', '(', '--release-grace', '500ms', '--log-level', 'loud',
    ]);
    assert.equal(r.code, 2, r.stderr);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('weave launch-proxy: '));
    const expected = [
      /^weave launch-proxy: -L\/--listen: listen address "tcp:\/\/127\.0\.0\.1:99999": expected/,
      /^weave launch-proxy: --log-level: must be one of fatal, /,
      /^weave launch-proxy: --iprange: "10\.0\.0\.1\/8" is not a network address, did you mean 10\.0\.0\.0\/8\?$/,
      /^weave launch-proxy: --store: "foo" must be "sqlite" or etcd:\/\//,
      /^weave launch-proxy: --release-grace: "500ms" is not a whole number of seconds/,
      /^weave launch-proxy: --dns-listen: "not-an-ip" is not ADDR\[:PORT\]/,
      /^weave launch-proxy: --hostname-match: invalid regexp "\(": /,
    ];
    assert.equal(problems.length, expected.length, r.stderr);
    expected.forEach((re, i) => assert.match(problems[i], re));
    assert.match(r.stderr, /Run 'weave launch-proxy --help' for usage\./);
    assert.doesNotMatch(r.stderr + r.stdout, /releaseGraceSeconds|nonexistent|started|docker/i, 'failed before Docker');
  });

  test('a single bad flag: the same shape, exit 2', { timeout: 30_000 }, async () => {
    const r = await weave(['launch-proxy', '-H', NO_DOCKER, '--iprange', '10.2.3.5/24']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^weave launch-proxy: --iprange: "10\.2\.3\.5\/24" is not a network address, did you mean 10\.2\.3\.0\/24\?$/m);
  });
});
