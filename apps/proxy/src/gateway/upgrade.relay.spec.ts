import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { DockerClient } from '@app/docker';
import { UpgradeRelay } from './upgrade.relay';

/** A stand-in for dockerd's hijack: answers 101 once the request (head + declared body) is in. */
interface FakeDockerd {
  port: number;
  /** Per connection: the bytes read before the 101 was written, and the raw stream after it. */
  conns: Array<{ request: string; stdin: string; closed: boolean }>;
  server: net.Server;
}

function requestComplete(bytes: string): boolean {
  const i = bytes.indexOf('\r\n\r\n');
  if (i < 0) return false;
  const head = bytes.slice(0, i);
  if (/transfer-encoding: chunked/i.test(head)) return /\r\n0\r\n(?:[^\r\n]+\r\n)*\r\n$/.test(bytes.slice(i + 2));
  const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
  return bytes.length >= i + 4 + len;
}

async function fakeDockerd(onStream: (s: net.Socket, stdin: () => string) => void = echoOnEnd): Promise<FakeDockerd> {
  const conns: FakeDockerd['conns'] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    const c = { request: '', stdin: '', closed: false };
    conns.push(c);
    let upgraded = false;
    // The proxy's FIN or reset; this fake keeps its half open, so 'end' is the release.
    s.on('end', () => (c.closed = true));
    s.on('close', () => (c.closed = true));
    s.on('error', () => undefined);
    s.on('data', (d) => {
      if (upgraded) return void (c.stdin += d.toString('latin1'));
      c.request += d.toString('latin1');
      if (!requestComplete(c.request)) return;
      // Like Go's hijack: whatever was read with the request is not the stream.
      upgraded = true;
      s.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      onStream(s, () => c.stdin);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, conns, server };
}

function echoOnEnd(s: net.Socket, stdin: () => string): void {
  s.once('end', () => s.end(`got:${stdin()}`));
}

interface Proxy {
  port: number;
  relay: UpgradeRelay;
  gauge: { open: number };
  server: http.Server;
}

async function proxyTo(dockerPort: number): Promise<Proxy> {
  const docker = new DockerClient({ url: `tcp://127.0.0.1:${dockerPort}`, host: '127.0.0.1', port: dockerPort, tls: false });
  const gauge = { open: 0 };
  const meter = { toDocker: () => {}, toClient: () => {}, upstreamError: () => {}, opened: () => gauge.open++, closed: () => gauge.open-- };
  const relay = new UpgradeRelay(docker, meter);
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => relay.handle(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, relay, gauge, server };
}

/** Sends `bytes` in one write, half-closes, and collects the whole answer. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.end(bytes);
  });
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

const BODY = '{"stream":true,"stdin":true,"stdout":true,"stderr":true,"hijack":true}';
const ATTACH = 'POST /v1.41/containers/c1/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n';

describe('UpgradeRelay', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));
  async function setup(onStream?: Parameters<typeof fakeDockerd>[0]) {
    const d = await fakeDockerd(onStream);
    const p = await proxyTo(d.port);
    closers.push(() => d.server.close(), () => p.server.close());
    return { d, p };
  }

  test('a Content-Length body reaches dockerd with its head; stdin sent at once is held until the 101', async () => {
    const { d, p } = await setup();
    const head = `${ATTACH}Content-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`;
    for (let i = 0; i < 20; i++) {
      const got = await exchange(p.port, head + BODY + 'abc');
      assert.match(got, /^HTTP\/1\.1 101 UPGRADED\r\n[^]*\r\n\r\ngot:abc$/);
      assert.equal(d.conns[i].request, head + BODY);
      assert.equal(d.conns[i].stdin, 'abc');
    }
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });

  test('a chunked body is framed the same way', async () => {
    const { d, p } = await setup();
    const head = `${ATTACH}Transfer-Encoding: chunked\r\n\r\n`;
    const chunked = `5\r\n{"str\r\n${(BODY.length - 5).toString(16)};ext=1\r\n${BODY.slice(5)}\r\n0\r\nX-Trailer: 1\r\n\r\n`;
    const got = await exchange(p.port, head + chunked + 'xyz');
    assert.match(got, /got:xyz$/);
    assert.equal(d.conns[0].request, head + chunked);
    assert.equal(d.conns[0].stdin, 'xyz');
  });

  test('no body: the head alone, then the stream', async () => {
    const { d, p } = await setup();
    const got = await exchange(p.port, `${ATTACH}\r\nhello`);
    assert.match(got, /got:hello$/);
    assert.equal(d.conns[0].request, `${ATTACH}\r\n`);
  });

  test("dockerd's EOF reaches the client while the client can still send (half-close toward the client)", async () => {
    const { d, p } = await setup((s) => s.end('bye'));
    const s = net.connect({ port: p.port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    s.on('data', (x) => (got += x.toString('latin1')));
    s.write(`${ATTACH}\r\n`);
    await new Promise((r) => s.once('end', r));
    assert.match(got, /\r\n\r\nbye$/);
    s.end('late stdin');
    await until('dockerd got the late stdin', () => d.conns[0].stdin === 'late stdin');
    await until('all closed', () => p.relay.openStreams === 0 && p.gauge.open === 0);
  });

  test('a client that leaves while the proxy is still connecting releases the dockerd side and the gauge', async () => {
    const { d, p } = await setup();
    const req = Object.assign(new http.IncomingMessage(new net.Socket()), {
      method: 'POST',
      url: '/containers/c1/attach',
      httpVersion: '1.1',
      headers: {},
      rawHeaders: ['Upgrade', 'tcp'],
    });
    for (let i = 0; i < 20; i++) {
      const client = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
      p.relay.handle(req, client, Buffer.alloc(0));
      client.destroy();
    }
    await until('gauge and open streams back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
    await until('every dockerd connection closed', () => d.conns.every((c) => c.closed));
  });

  test('upstream refused before the 101: a Docker-shaped 502', async () => {
    const p = await proxyTo(1);
    closers.push(() => p.server.close());
    const got = await exchange(p.port, `${ATTACH}\r\n`);
    assert.match(got, /^HTTP\/1\.1 502 Bad Gateway\r\n[^]*"message":"Cannot connect to the Docker daemon/);
    await until('gauge back to 0', () => p.gauge.open === 0);
  });

  test('upstream reset after the 101: the client connection is closed too', async () => {
    const { p } = await setup((s) => s.destroy());
    const got = await exchange(p.port, `${ATTACH}\r\n`);
    assert.match(got, /^HTTP\/1\.1 101 /);
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });
});
