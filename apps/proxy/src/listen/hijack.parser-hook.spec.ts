import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { Answer, EXEC, FRAME, RAW_200, fakeDockerd, hijackWith, proxyTo, startExec, until } from '../gateway/fake-dockerd.fixture';
import { mayHijack } from '../gateway/hijack.requests';
import { announceAsUpgrades } from './hijack.parser-hook';

const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{"message":"no such"}\n';
const DETACHED = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
const PONG = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK';

/** Writes everything in one write (request and what follows it), then half-closes once `done` says so. */
function oneWrite(port: number, bytes: string, done: (got: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (done(got)) s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write(bytes);
  });
}

/** Answers by request: `/_ping` with PONG, a detached exec start with 200, attach with 404, else a hijack. */
const byRequest: Answer = (req, s, stdin) => {
  const plain = req.includes('/_ping') ? PONG : req.includes('"Detach":true') ? DETACHED : req.includes('/attach') ? NOT_FOUND : undefined;
  if (plain === undefined) return hijackWith(RAW_200)(req, s, stdin);
  s.write(plain);
  return false;
};

describe('exec start and attach without Upgrade are read as upgrades (announceAsUpgrades)', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));
  async function setup(answer: Answer) {
    const d = await fakeDockerd(answer);
    const p = await proxyTo(d.port, (s) => announceAsUpgrades(s, mayHijack));
    closers.push(() => d.server.close(), () => p.server.close(), () => p.docker.agent.destroy());
    return { d, p };
  }

  // Stdin of every kind a process may get, sent in the same write as the request: text, bytes
  // that start like an HTTP method, a whole HTTP request, binary.
  const EARLY = ['early-stdin\n', 'Hello', 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n', '\u0000\u0001\r\n\r\n\u007f'];
  for (const early of EARLY) {
    test(`stdin sent with the request (${JSON.stringify(early).slice(0, 20)}) reaches dockerd after its answer (10 runs)`, async () => {
      const { d, p } = await setup(hijackWith(RAW_200));
      const ended = (got: Buffer) => got.length >= RAW_200.length + FRAME.length;
      for (let i = 0; i < 10; i++) {
        const got = await oneWrite(p.port, startExec() + early, ended);
        assert.deepEqual(got, Buffer.concat([Buffer.from(RAW_200), FRAME, Buffer.from(`got:${early}`, 'latin1')]), `run ${i}`);
        assert.equal(d.conns[i].stdin, early, `run ${i}: dockerd got the stdin, not an HTTP request`);
        assert.ok(d.conns[i].request.endsWith(EXEC), `run ${i}: the request ends with its body`);
      }
      await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
    });
  }

  test('an answer that is not a hijack (404 on attach) is dockerd\'s, and the connection serves the next request', async () => {
    const { p } = await setup(byRequest);
    const attach = 'POST /v1.41/containers/c1/attach?stream=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
    const ping = 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n';
    const got = await oneWrite(p.port, attach, (b) => b.toString('latin1').endsWith('"no such"}\n'));
    assert.equal(got.toString('latin1'), NOT_FOUND, 'byte for byte, no Connection: close added');
    // Pipelined: the attach's 404, then the ping's answer, on one connection.
    const both = await oneWrite(p.port, attach + ping, (b) => b.toString('latin1').endsWith('OK'));
    assert.match(both.toString('latin1'), /^HTTP\/1\.1 404 Not Found\r\n[\s\S]*"no such"}\nHTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK$/);
    assert.deepEqual(p.answers, [404, 404], 'each upgrade is counted with the status dockerd answered');
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });

  test('a detached exec start (200, no stream) keeps the keep-alive connection for the client\'s next requests', async () => {
    const { d, p } = await setup(byRequest);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(() => agent.destroy());
    const call = (method: string, path: string, body?: string) =>
      new Promise<{ status?: number; reused: boolean }>((resolve, reject) => {
        const r = http.request({ port: p.port, host: '127.0.0.1', method, path, agent }, (res) => {
          res.resume().on('end', () => resolve({ status: res.statusCode, reused: r.reusedSocket }));
        });
        r.on('error', reject).end(body);
      });
    assert.deepEqual(await call('GET', '/_ping'), { status: 200, reused: false });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await call('POST', '/v1.41/exec/e1/start', '{"Detach":true}'), { status: 200, reused: true }, `start ${i}`);
      assert.deepEqual(await call('GET', '/_ping'), { status: 200, reused: true }, `ping ${i}`);
    }
    assert.ok(d.conns.length >= 6, 'each exec start had a dockerd connection of its own');
    await until('gauge back to 0', () => p.gauge.open === 0 && p.relay.openStreams === 0);
  });
});

describe('mayHijack', () => {
  test('exec start and attach, with or without version prefix and query; nothing else', () => {
    for (const url of ['/exec/e1/start', '/v1.41/exec/e1/start', '/containers/c1/attach', '/v1.43/containers/c1/attach?stream=1&stdin=1']) {
      assert.ok(mayHijack('POST', url), url);
    }
    for (const [method, url] of [
      ['GET', '/exec/e1/start'],
      ['POST', '/exec/e1/resize'],
      ['POST', '/containers/c1/attach/ws'],
      ['POST', '/containers/c1/start'],
      ['POST', '/v1.41/containers/c1/attachx'],
    ]) {
      assert.ok(!mayHijack(method, url), `${method} ${url}`);
    }
  });
});
