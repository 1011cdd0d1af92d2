import * as http from 'node:http';
import * as net from 'node:net';
import { returnToHttpServer } from '../hijack.answer';
import { relayRawFrom } from './raw.entry';
import { RawTimeouts } from './client.timer';

// Test doubles for the raw relay's spec: a dockerd stand-in that speaks real HTTP/1.1 (Node's
// server: keep-alive, chunked, HEAD, 100-continue) and the listener's wiring in front of it.

/** A stand-in for dockerd's API: the answers the relay must pass on byte for byte. */
export async function httpDockerd() {
  const streams = { open: 0, released: 0 };
  let connections = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/stream')) return stream(res, streams);
    if (url.startsWith('/pattern')) return pattern(res);
    if (url.startsWith('/close')) return void res.writeHead(200, { Connection: 'close', 'Content-Length': '3' }).end('bye');
    if (url.startsWith('/eof')) return void req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil-eof');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (url.startsWith('/chunked')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`{"method":"${req.method}",`);
        return void res.end(`"got":${body.length}}`);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length + 3), 'Api-Version': '1.41' });
      res.end(Buffer.concat([Buffer.from('OK:'), body]));
    });
  });
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    server.emit('request', req, res);
  });
  let closed = 0;
  server.on('connection', (socket: net.Socket) => {
    connections++;
    socket.on('close', () => closed++);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, server, streams, connections: () => connections, open: () => connections - closed };
}

/** Bytes that never repeat within `PATTERN_BYTES` (a buffer reused too early would show). */
export function patternBytes(): Buffer {
  const out = Buffer.alloc(PATTERN_BYTES);
  let x = 0x12345678;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
export const PATTERN_BYTES = 8 * 1024 * 1024;

/** The pattern, chunked, in writes of uneven sizes with backpressure. */
function pattern(res: http.ServerResponse): void {
  const bytes = patternBytes();
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  let at = 0;
  const more = (): void => {
    while (at < bytes.length) {
      const n = 1000 + ((at / 7) % 90_000);
      const ok = res.write(bytes.subarray(at, at + n));
      at += n;
      if (!ok) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

function stream(res: http.ServerResponse, streams: { open: number; released: number }): void {
  streams.open++;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const tick = setInterval(() => res.write('{"tick":1}\n'), 5);
  res.on('close', () => {
    clearInterval(tick);
    streams.open--;
    streams.released++;
  });
}

/**
 * The listener's wiring in front of `port`: paths starting with `/local` are the HTTP server's
 * (answered `local <url>`, as an intercepted endpoint would be), everything else is relayed raw.
 */
export interface ListenerHooks {
  /** The listener's parser hook (`announceAsUpgrades`), given what may go raw. */
  announce(server: http.Server, relaysRaw: (method: string | undefined, url: string | undefined) => boolean): void;
  wasAnnounced(req: http.IncomingMessage): boolean;
}

export async function rawProxyTo(port: number, hooks: ListenerHooks, timeouts: RawTimeouts = { keepAliveMs: 5_000, headersMs: 20_000 }) {
  const sessions = { started: 0, ended: 0 };
  const relaysRaw = (method: string | undefined, url: string | undefined): boolean => !(url ?? '').startsWith('/local');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`local ${req.url}`));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (!hooks.wasAnnounced(req)) return void socket.destroy();
    sessions.started++;
    relayRawFrom(req, socket, head, {
      connect: (onread) => net.connect({ port, host: '127.0.0.1', allowHalfOpen: true, onread }),
      relaysRaw: (h) => relaysRaw(h.method, h.url),
      toHttpServer: returnToHttpServer,
      requestStarted: () => () => undefined,
      meter: { toDocker: () => {}, toClient: () => {}, upstreamError: () => {} },
      daemonUrl: `tcp://127.0.0.1:${port}`,
      maxHeadBytes: 64 * 1024,
      timeouts,
      ended: () => sessions.ended++,
    });
  });
  server.on('clientError', (_err, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
  hooks.announce(server, relaysRaw);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, server, sessions };
}

/** Writes `bytes` on one connection and collects what comes back until `done` says so (or EOF). */
export function exchange(port: number, bytes: string | Buffer, done: (got: string) => boolean = () => false): Promise<{ got: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (done(got)) {
        s.destroy();
        resolve({ got, ended: false });
      }
    });
    s.on('error', reject);
    s.on('end', () => resolve({ got, ended: true }));
    s.write(bytes);
  });
}
