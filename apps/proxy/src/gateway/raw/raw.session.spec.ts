import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { announceAsUpgrades, wasAnnounced } from '../../listen/hijack.parser-hook';
import { FRAME, RAW_200, fakeDockerd, hijackWith, session, startExec, until } from '../fake-dockerd.fixture';
import { exchange, httpDockerd, patternBytes, rawProxyTo } from './raw.fixture';
import * as http from 'node:http';
import { RawTimeouts } from './client.timer';

const HOOKS = { announce: announceAsUpgrades, wasAnnounced };
const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: docker\r\n${extra}\r\n`;
const HEAD = (path: string) => `HEAD ${path} HTTP/1.1\r\nHost: docker\r\n\r\n`;
const POST = (path: string, body: string) => `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const CHUNKED = (path: string, pieces: string[]) =>
  `PUT ${path} HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\n\r\n` +
  pieces.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('') +
  '0\r\n\r\n';

/** Answers as the client reads them: status lines in order. */
const statusLines = (got: string) => got.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];

describe('raw relay: pass-through requests relayed as bytes on a connection of their own', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));
  async function setup(timeouts?: RawTimeouts) {
    const d = await httpDockerd();
    const p = await rawProxyTo(d.port, HOOKS, timeouts);
    closers.push(() => d.server.close(), () => p.server.close());
    d.server.unref();
    p.server.unref();
    return { d, p };
  }

  test('every kind of framing on one keep-alive connection, pipelined, in order (10 runs)', async () => {
    const { d, p } = await setup();
    const requests = [GET('/_ping'), HEAD('/_ping'), POST('/echo', 'hello'), CHUNKED('/chunked', ['a', 'bc', 'x'.repeat(70_000)]), GET('/chunked/get'), GET('/last')];
    for (let run = 0; run < 10; run++) {
      const direct = await exchange(d.port, requests.join(''), (g) => statusLines(g).length === requests.length && g.endsWith('OK:'));
      const relayed = await exchange(p.port, requests.join(''), (g) => statusLines(g).length === requests.length && g.endsWith('OK:'));
      // Byte for byte what dockerd sent, less its Date headers (a second may pass between the two).
      const undated = (s: string) => s.replace(/^Date: .*\r\n/gm, '');
      assert.equal(undated(relayed.got), undated(direct.got));
    }
    assert.equal(p.sessions.started, 10, 'one session per client connection');
    assert.ok(d.connections() <= 20, `one dockerd connection per client connection, got ${d.connections()}`);
  });

  test('a request the HTTP server must see hands the connection over; the next pass-through goes raw again', async () => {
    const { p } = await setup();
    const got = await exchange(p.port, GET('/_ping') + GET('/local/create') + GET('/_ping') + GET('/local/start'), (g) => g.endsWith('local /local/start'));
    assert.deepEqual(statusLines(got.got).length, 4);
    assert.match(got.got, /OK:[\s\S]*local \/local\/create[\s\S]*OK:[\s\S]*local \/local\/start$/);
    await until('both raw sessions ended', () => p.sessions.ended === 2);
    assert.equal(p.sessions.started, 2);
  });

  test('an interim 100 Continue is relayed and the final answer still ends the exchange', async () => {
    const { p } = await setup();
    const head = 'POST /echo HTTP/1.1\r\nHost: docker\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n';
    const got = await exchange(p.port, head + 'body' + GET('/after'), (g) => g.endsWith('OK:'));
    assert.deepEqual(statusLines(got.got), ['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    assert.match(got.got, /OK:body/);
  });

  test('dockerd closing after its answer (Connection: close, or a body until EOF) ends the client connection after it, and ours to dockerd', async () => {
    const { d, p } = await setup();
    for (const path of ['/close', '/eof']) {
      const got = await exchange(p.port, GET(path) + GET('/never'));
      assert.ok(got.ended, path);
      assert.equal(statusLines(got.got).length, 1, path);
      assert.match(got.got, path === '/close' ? /bye$/ : /until-eof$/);
    }
    await until('no dockerd connection left half-open', () => d.open() === 0);
  });

  test('a client that leaves a stream releases dockerd\'s side (10 runs)', async () => {
    const { d, p } = await setup();
    for (let run = 1; run <= 10; run++) {
      await exchange(p.port, GET('/stream'), (g) => g.includes('{"tick":1}'));
      await until(`stream ${run} released`, () => d.streams.released === run && d.streams.open === 0);
    }
  });

  test('dockerd unreachable: a Docker-shaped 502, and the proxy keeps serving', async () => {
    const { p } = await setup();
    const dead = await rawProxyTo(1, HOOKS);
    closers.push(() => dead.server.close());
    const got = await exchange(dead.port, GET('/_ping'));
    assert.match(got.got, /^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*Content-Type: application\/json[\s\S]*"message":"Cannot connect to the Docker daemon at tcp:\/\/127\.0\.0\.1:1\. Is the docker daemon running\?"/);
    assert.ok(got.ended);
    assert.match((await exchange(p.port, GET('/_ping'), (g) => g.endsWith('OK:'))).got, /200 OK/);
  });

  test('a malformed request after a raw one gets the HTTP server\'s 400, not dockerd', async () => {
    const { p } = await setup();
    const got = await exchange(p.port, GET('/_ping') + 'GARBAGE\r\n\r\n');
    assert.deepEqual(statusLines(got.got), ['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
  });

  test('a malformed chunked body is answered 400 and the connection closed', async () => {
    const { p } = await setup();
    const got = await exchange(p.port, GET('/_ping') + 'PUT /x HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
    assert.deepEqual(statusLines(got.got), ['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
    assert.ok(got.ended);
  });

  test('deadlines: an idle connection and a head that never ends are closed', async () => {
    const { p } = await setup({ keepAliveMs: 100, headersMs: 300 });
    const idle = await exchange(p.port, GET('/_ping'));
    assert.ok(idle.ended);
    const started = Date.now();
    const slow = await exchange(p.port, GET('/_ping') + 'GET /slow HTTP/1.1\r\nHost: d\r\n');
    assert.ok(slow.ended);
    assert.ok(Date.now() - started >= 250, 'the head deadline, not the idle one');
  });

  test('dockerd hijacking a request nobody expected it to: raw both ways, each direction half-closed on its own (5 runs)', async () => {
    const d = await fakeDockerd(hijackWith(RAW_200));
    const p = await rawProxyTo(d.port, HOOKS); // this wiring relays even exec start raw
    closers.push(() => d.server.close(), () => p.server.close());
    for (let run = 0; run < 5; run++) {
      const got = await session(p.port, startExec(), `stdin-${run}`);
      assert.equal(got.toString('latin1'), RAW_200 + FRAME.toString('latin1') + `got:stdin-${run}`);
    }
  });

  test('a client slower than dockerd gets every byte as sent: no read buffer is reused while a write still holds it (3 runs)', async () => {
    const { p } = await setup();
    const expected = patternBytes();
    for (let run = 0; run < 3; run++) {
      const got = await new Promise<Buffer>((resolve, reject) => {
        http.get({ port: p.port, host: '127.0.0.1', path: '/pattern', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            // A slow reader: the proxy's writes queue up behind it.
            if (chunks.length % 4 === 0) {
              res.pause();
              setTimeout(() => res.resume(), 20);
            }
          });
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        }).on('error', reject);
      });
      assert.equal(got.length, expected.length);
      assert.ok(got.equals(expected), `run ${run}: the bytes differ from dockerd's`);
    }
  });
});
