// Issue 8: the serving TLS files default like the docker CLI's, and a missing or broken file
// stops the start with exit 2 and a message naming the flag and the file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { dockerOk } from '../support/docker.cli';
import { freePort, repoRoot, startProxy } from '../support/proxy.harness';
import { dockerTlsArgs, makePki } from './support/pki';
import { httpsRequest } from './support/tls.client';

describe('security: TLS files', () => {
  test('a missing file stops the start with exit 2, naming the file', { timeout: 30_000 }, async () => {
    const missing = '/nonexistent/wpt/ca.pem';
    const r = await runProxy(['--tlsverify', '--tlscacert', missing, '--tlscert', '/nonexistent/wpt/cert.pem', '--tlskey', '/nonexistent/wpt/key.pem']);
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /--tlscacert: cannot read \/nonexistent\/wpt\/ca\.pem \(ENOENT\)/);
    assert.match(r.output, /--tlskey: cannot read \/nonexistent\/wpt\/key\.pem/);
  });

  test('a key that does not match the certificate stops the start with exit 2', { timeout: 30_000 }, async () => {
    const pki = await makePki();
    try {
      const r = await runProxy(['--tls', '--tlscert', pki.server.certFile, '--tlskey', pki.client.keyFile]);
      assert.equal(r.code, 2, r.output);
      assert.match(r.output, /TLS files do not load .*--tlscert .*server-cert\.pem/);
    } finally {
      pki.remove();
    }
  });

  test('the files default to $DOCKER_CERT_PATH/{ca,cert,key}.pem like the docker CLI', { timeout: 60_000 }, async () => {
    const pki = await makePki();
    const dir = path.join(pki.dir, 'docker-cert-path');
    fs.mkdirSync(dir);
    fs.copyFileSync(pki.caFile, path.join(dir, 'ca.pem'));
    fs.copyFileSync(pki.server.certFile, path.join(dir, 'cert.pem'));
    fs.copyFileSync(pki.server.keyFile, path.join(dir, 'key.pem'));
    const proxy = await startProxy(['--tlsverify'], {
      env: { DOCKER_CERT_PATH: dir },
      healthCheck: (url) => httpsRequest(url, pki, pki.client, '/_weave/healthz'),
    });
    try {
      assert.match(await dockerOk([...dockerTlsArgs(pki, pki.client), 'version', '--format', '{{.Server.Version}}']), /\d/);
    } finally {
      await proxy.stop();
      pki.remove();
    }
  });
});

async function runProxy(args: string[]): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
  const child = spawn(process.execPath, [main, 'launch-proxy', '-L', `tcp://127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output };
}
