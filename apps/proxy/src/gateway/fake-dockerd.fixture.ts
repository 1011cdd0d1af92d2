import * as http from 'node:http';
import * as net from 'node:net';
import { DockerClient } from '@app/docker';
import { PassThroughProxy } from './pass-through.proxy';
import { UpgradeRelay } from './upgrade.relay';
import assert from 'node:assert/strict';

// Test doubles for the relay's specs: a stand-in for dockerd on a TCP port and a raw client.

/** What dockerd writes on a hijacked exec start without `Upgrade` (moby exec.go), then raw frames. */
export const RAW_200 = 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n';
export const RAW_101 = 'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';
export const FRAME = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 11]), Buffer.from('raw-marker\n')]);
export const EXEC = '{"Detach":false,"Tty":false}';

/** Answers one request; false: it stayed HTTP (the connection may carry another request). */
export type Answer = (request: string, s: net.Socket, stdin: () => string) => boolean | void;

/** A stand-in for dockerd: reads one request (head + Content-Length body), lets `answer` write. */
export async function fakeDockerd(answer: Answer) {
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

/** Sends the request, then `stdin` once the answer head is in, then half-closes; collects all. */
export function session(port: number, request: string, stdin: string): Promise<Buffer> {
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

export async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

export const startExec = (headers = '') =>
  `POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: x\r\n${headers}Content-Type: application/json\r\nContent-Length: ${EXEC.length}\r\n\r\n${EXEC}`;

/** Answers the hijack head and a frame, then echoes stdin once the client half-closed. */
export const hijackWith = (head: string): Answer => (_req, s, stdin) => {
  s.write(head);
  s.write(FRAME);
  s.once('end', () => s.end(`got:${stdin()}`));
};


/**
 * The gateway's wiring in front of `port`: pass-through with the relay taking over hijacked
 * answers and handling upgrades; `prepare` adds to the server (the listener's hooks).
 */
export async function proxyTo(port: number, prepare: (server: http.Server) => void = () => {}) {
  const docker = new DockerClient({ url: `tcp://127.0.0.1:${port}`, host: '127.0.0.1', port, tls: false });
  const gauge = { open: 0 };
  const meter = { toDocker: () => {}, toClient: () => {}, upstreamError: () => {}, opened: () => gauge.open++, closed: () => gauge.open-- };
  const relay = new UpgradeRelay(docker, meter);
  const proxy = new PassThroughProxy(docker, meter, (req, answer, socket, head) => relay.takeOver(req, answer, socket, head));
  const server = http.createServer((req, res) => proxy.forward(req, res));
  const answers: number[] = [];
  server.on('upgrade', (req, socket, head) => relay.handle(req, socket, head, (status) => answers.push(status)));
  prepare(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, relay, gauge, server, docker, answers };
}

