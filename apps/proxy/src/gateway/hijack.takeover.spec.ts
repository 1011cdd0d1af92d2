import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { Answer, FRAME, RAW_101, RAW_200, fakeDockerd, hijackWith, proxyTo, session, startExec, until } from './fake-dockerd.fixture';

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
