import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { goClientErrorAnswer, MAX_REQUEST_HEAD_BYTES, replyClientError } from './client-error.reply';
import { httpServerOptions } from './server.options';

describe('goClientErrorAnswer: Go net/http answers to unreadable requests', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['HPE_HEADER_OVERFLOW', 'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large'],
    ['HPE_INVALID_METHOD', 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request'],
    ['ECONNRESET', undefined],
    ['ERR_HTTP_REQUEST_TIMEOUT', undefined],
    [undefined, undefined],
  ];
  for (const [code, want] of cases) test(String(code), () => assert.equal(goClientErrorAnswer(code), want));
});

describe('a listener with these options and replyClientError', () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer(httpServerOptions(), (_req, res) => res.end('ok'));
    server.on('clientError', (err, socket) => replyClientError(err, socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const exchange = (bytes: string) =>
    new Promise<string>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      let got = '';
      s.on('data', (c) => (got += c.toString('latin1')));
      s.on('error', () => undefined);
      s.on('close', () => resolve(got));
      s.end(bytes);
    });

  test('a 1 MiB request head is served (Node stops at 16 KiB by default)', async () => {
    const got = await exchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1 << 20)}\r\nConnection: close\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 200 /);
  });

  test('a head over the limit gets 431 and the connection closes', async () => {
    const got = await exchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_REQUEST_HEAD_BYTES)}\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  test('garbage gets 400 and the connection closes', async () => {
    assert.match(await exchange('\x00\x01GARBAGE\r\n\r\n'), /^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});
