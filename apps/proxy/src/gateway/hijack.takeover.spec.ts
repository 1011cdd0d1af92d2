import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { DockerClient } from '@app/docker';
import { PassThroughProxy } from './pass-through.proxy';
import { UpgradeRelay } from './upgrade.relay';

/** What dockerd writes on a hijacked exec start without `Upgrade` (moby exec.go), then raw frames. */
const RAW_200 = 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n';
const RAW_101 = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';
const FRAME = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 11]), Buffer.from('raw-marker\n')]);
const EXEC = '{"Detach":false,"Tty":false}';

/** Answers one request; false: it stayed HTTP (the connection may carry another request). */
type Answer = (request: string, s: net.Socket, stdin: () => string) => boolean | void;

/** A stand-in for dockerd: reads one request (head + Content-Length body), lets `answer` write. */
async function fakeDockerd(answer: Answer) {
  const conns: Array<{ request: string; stdin: string; closed: boolean }> = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    const c = { request: '', stdin: '', closed: false };
    conns.push(c);
    let answered = false;
    s.on('error', () => undefined);
    // The proxy's FIN or reset; this fake keeps its own half open, so 'end' is the release.
    s.on('end', () => (c.closed = true));
    s.on('close', () => (c.closed = true));
    s.on('data', (d) => {
      if (answered) return void (c.stdin += d.toString('latin1'));
      c.request += d.toString('latin1');
      const i = c.request.indexOf('\r\n\r\n');
      const len = Number(/content-length: (\d+)/i.exec(c.request)?.[1] ?? 0);
      if (i < 0 || c.request.length < i + 4 + len) return;
      answered = answer(c.request, s, () => c.stdin) !== false;
      if (!answered) c.request = '';
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, conns, server };
}

/** The gateway's wiring: pass-through with the relay taking over hijacked answers. */
async function proxyTo(port: number) {
  const docker = new DockerClient({ url: `tcp://127.0.0.1:${port}`, host: '127.0.0.1', port, tls: false });
  const gauge = { open: 0 };
  const meter = { toDocker: () => {}, toClient: () => {}, upstreamError: () => {}, opened: () => gauge.open++, closed: () => gauge.open-- };
  const relay = new UpgradeRelay(docker, meter);
  const proxy = new PassThroughProxy(docker, meter, (req, answer, socket, head) => relay.takeOver(req, answer, socket, head));
  const server = http.createServer((req, res) => proxy.forward(req, res));
  server.on('upgrade', (req, socket, head) => relay.handle(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, relay, gauge, server, docker };
}

/** Sends the request, then `stdin` once the answer head is in, then half-closes; collects all. */
function session(port: number, request: string, stdin: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      const before = got.includes('\r\n\r\n');
      got = Buffer.concat([got, d]);
      if (!before && got.includes('\r\n\r\n')) s.end(stdin);
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write(request);
  });
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

const startExec = (headers = '') =>
  `POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: x\r\n${headers}Content-Type: application/json\r\nContent-Length: ${EXEC.length}\r\n\r\n${EXEC}`;

/** Answers the hijack head and a frame, then echoes stdin once the client half-closed. */
const hijackWith = (head: string): Answer => (_req, s, stdin) => {
  s.write(head);
  s.write(FRAME);
  s.once('end', () => s.end(`got:${stdin()}`));
};

describe('hijacks decided by dockerd answer (request path)', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));
  async function setup(answer: Answer) {
    const d = await fakeDockerd(answer);
    const p = await proxyTo(d.port);
    closers.push(() => d.server.close(), () => p.server.close(), () => p.docker.agent.destroy());
    return { d, p };
  }

  test('exec start without Upgrade: 200 raw stream byte for byte, stdin after it reaches dockerd, half-close both ways', async () => {
    const { d, p } = await setup(hijackWith(RAW_200));
    for (let i = 0; i < 10; i++) {
      const got = await session(p.port, startExec(), 'stdin-bytes');
      assert.deepEqual(got, Buffer.concat([Buffer.from(RAW_200), FRAME, Buffer.from('got:stdin-bytes')]), `run ${i}`);
      assert.equal(d.conns[i].stdin, 'stdin-bytes');
    }
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });

  test('Upgrade: tcp without Connection: Upgrade is answered 101 and relayed as a hijack', async () => {
    const { d, p } = await setup(hijackWith(RAW_101));
    const got = await session(p.port, startExec('Upgrade: tcp\r\n'), 'abc');
    assert.deepEqual(got, Buffer.concat([Buffer.from(RAW_101), FRAME, Buffer.from('got:abc')]));
    assert.equal(d.conns[0].stdin, 'abc');
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });

  test('a chunked raw-stream answer (logs) and an error answer stay HTTP: the connection serves the next request', async () => {
    const { p } = await setup((req, s) => {
      if (req.includes('/logs')) s.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nlog\r\n0\r\n\r\n');
      else s.write('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n{"message":"no such"}\r\n');
      return false;
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(() => agent.destroy());
    const get = (path: string, method = 'GET') =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const r = http.request({ port: p.port, host: '127.0.0.1', path, method, agent }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode, body }));
        });
        r.on('error', reject).end();
      });
    assert.deepEqual(await get('/containers/c1/logs?stdout=1'), { status: 200, body: 'log' });
    assert.deepEqual(await get('/containers/c1/attach?stream=1', 'POST'), { status: 404, body: '{"message":"no such"}\r\n' });
    assert.equal(p.gauge.open, 0);
  });

  test('a client that closes in the middle of the stream releases dockerd and the gauge', async () => {
    // dockerd sees the EOF (a close and a half-close look alike), writes what is left and closes.
    const { d, p } = await setup((_req, s) => {
      s.write(RAW_200);
      s.once('end', () => s.end('late output'));
    });
    for (let i = 0; i < 10; i++) {
      const s = net.connect({ port: p.port, host: '127.0.0.1' });
      s.on('error', () => undefined);
      s.write(startExec());
      await new Promise((r) => s.once('data', r));
      s.destroy();
    }
    await until('every dockerd connection closed', () => d.conns.length === 10 && d.conns.every((c) => c.closed));
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });

  test('dockerd reset after the hijacked 200: the client connection is closed too', async () => {
    const { p } = await setup((_req, s) => void s.end(RAW_200, () => s.destroy()));
    const got = await session(p.port, startExec(), '');
    assert.equal(got.toString('latin1'), RAW_200);
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });
});
