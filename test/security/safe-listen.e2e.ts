// Issue 15 item 1, "safe by default" like dockerd (v27+, "Unauthenticated TCP connections"):
// without TLS flags the proxy listens on tcp://127.0.0.1:12375 only (this machine's own non-loopback
// address is refused); a plain TCP -L off loopback stops the start (exit 2, naming -L/--listen and
// the opt-in --tls=false); with the opt-in it starts and warns; with --tlsverify the default is
// tcp://0.0.0.0:12375 as on the seed page. Traffic only to this machine's own addresses.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerOk } from '../support/docker.cli';
import { rawRequest } from '../support/http.client';
import { freePort, ProxyHandle, repoRoot, startProxy } from '../support/proxy.harness';
import { dockerTlsArgs, makePki, Pki } from './support/pki';
import { httpsRequest } from './support/tls.client';

const DEFAULT_PORT = 12375;
const LOOPBACK_DEFAULT = `tcp://127.0.0.1:${DEFAULT_PORT}`;

/** An IPv4 address of this machine that is not loopback (docker's bridge, else any global one). */
function hostAddress(): string {
  const show = (args: string[]) => {
    try {
      return execFileSync('ip', ['-4', '-o', 'addr', 'show', ...args]).toString();
    } catch {
      return '';
    }
  };
  const addr = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(show(['docker0']) || show(['scope', 'global']))?.[1];
  assert.ok(addr, 'this machine has no non-loopback IPv4 address to test with');
  return addr;
}

/** Connects to host:port: 'connected', or the error code (ECONNREFUSED). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(5_000, () => s.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function assertPortFree(port: number): Promise<void> {
  assert.equal(await tryConnect('127.0.0.1', port), 'ECONNREFUSED', `port ${port} is taken on this machine: stop what listens there`);
}

async function launch(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
  const child = spawn(process.execPath, [main, 'launch-proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

describe('security: the default listener is loopback only', () => {
  let proxy: ProxyHandle;
  before(async () => {
    await assertPortFree(DEFAULT_PORT);
    proxy = await startProxy([], { defaultListener: LOOPBACK_DEFAULT });
  });
  after(async () => {
    await proxy?.stop();
  });

  test('the quick start: no flags, and docker -H tcp://127.0.0.1:12375 ps works', { timeout: 60_000 }, async () => {
    assert.match(await dockerOk(['ps'], { host: LOOPBACK_DEFAULT }), /^CONTAINER ID/);
    const status = JSON.parse((await rawRequest(LOOPBACK_DEFAULT, 'GET', '/_weave/status')).body.toString());
    assert.deepEqual(status.listen, [LOOPBACK_DEFAULT]);
  });

  test("this machine's own non-loopback address is refused on :12375", { timeout: 30_000 }, async () => {
    assert.equal(await tryConnect(hostAddress(), DEFAULT_PORT), 'ECONNREFUSED');
    assert.doesNotMatch(proxy.logs(), /controls Docker, which is root/);
  });
});

describe('security: a plain TCP -L off loopback needs the explicit opt-in --tls=false', () => {
  test('without it: exit 2, one line naming -L/--listen and --tls=false, nothing listens', { timeout: 30_000 }, async () => {
    const addr = hostAddress();
    const port = await freePort();
    const r = await launch(['-H', 'unix:///var/run/docker.sock', '-L', `tcp://${addr}:${port}`]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('weave launch-proxy: '));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^weave launch-proxy: -L/--listen: tcp://${addr.replace(/\./g, '\\.')}:${port} is plain TCP on a non-loopback address: .*--tls=false$`));
    assert.equal(await tryConnect(addr, port), 'ECONNREFUSED');
  });

  test('every interface (-L tcp://0.0.0.0:PORT) likewise', { timeout: 30_000 }, async () => {
    const r = await launch(['-H', 'unix:///var/run/docker.sock', '-L', `tcp://0.0.0.0:${await freePort()}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /-L\/--listen: tcp:\/\/0\.0\.0\.0:\d+ is plain TCP on a non-loopback address: .*--tls=false/);
  });

  test('with --tls=false it starts, serves that address, and warns naming the opt-in', { timeout: 60_000 }, async () => {
    const addr = hostAddress();
    const exposed = `tcp://${addr}:${await freePort()}`;
    const proxy = await startProxy(['-L', exposed, '--tls=false']);
    try {
      assert.match(await dockerOk(['version', '--format', '{{.Server.Version}}'], { host: exposed }), /\d/);
      const warning = proxy.logs().split('\n').find((l) => l.includes(`anyone who can reach ${exposed} controls Docker`));
      assert.ok(warning && /"level":40/.test(warning) && warning.includes('"optIn":"--tls=false"'), proxy.logs());
    } finally {
      await proxy.stop();
    }
  });
});

describe('security: with --tlsverify the default listener is every interface (tcp://0.0.0.0:12375)', () => {
  let pki: Pki;
  let proxy: ProxyHandle;
  before(async () => {
    await assertPortFree(DEFAULT_PORT);
    pki = await makePki();
    const flags = ['--tlsverify', '--tlscacert', pki.caFile, '--tlscert', pki.server.certFile, '--tlskey', pki.server.keyFile];
    proxy = await startProxy(flags, {
      defaultListener: LOOPBACK_DEFAULT,
      healthCheck: (url) => httpsRequest(url, pki, pki.client, '/_weave/healthz'),
    });
  });
  after(async () => {
    await proxy?.stop();
    pki?.remove();
  });

  test("docker --tlsverify ps on loopback, and a client certificate's request on this machine's own address", { timeout: 60_000 }, async () => {
    assert.match(await dockerOk([...dockerTlsArgs(pki, pki.client), 'ps'], { host: LOOPBACK_DEFAULT }), /^CONTAINER ID/);
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = https.request(
        {
          host: hostAddress(), port: DEFAULT_PORT, path: '/_weave/status', ca: pki.ca, cert: pki.client.cert, key: pki.client.key,
          agent: false, timeout: 5_000, checkServerIdentity: () => undefined, // the test certificate names 127.0.0.1 only
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status.code, 200, status.body);
    assert.deepEqual(JSON.parse(status.body).listen, ['tcp://0.0.0.0:12375']);
  });
});
