import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { DnsTcpConnection } from './dns.tcp-connection';

const frame = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 255]), m]);

interface Served {
  port: number;
  /** Messages handed to the answerer, in order. */
  asked: Buffer[];
  /** Resolves every pending answer with an echo of its message. */
  release(): void;
  close(): Promise<void>;
}

// A server whose answers stay pending until release(): what is pending shows the pipelining.
async function serve(pipeline: number): Promise<Served> {
  const asked: Buffer[] = [];
  let waiting: Array<() => void> = [];
  const server = net.createServer((conn) => {
    new DnsTcpConnection(conn, (m) => {
      asked.push(Buffer.from(m));
      return new Promise((r) => waiting.push(() => r(Buffer.from(m))));
    }, pipeline);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    asked,
    release: () => {
      const now = waiting;
      waiting = [];
      now.forEach((f) => f());
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setImmediate(r));
};

describe('DnsTcpConnection', () => {
  let served: Served;
  before(async () => (served = await serve(4)));
  after(() => served.close());

  test('a message split into 1-byte writes and ten batched in one: all answered, at most 4 at once', async () => {
    const conn = net.connect(served.port, '127.0.0.1');
    conn.setNoDelay(true);
    const big = Buffer.alloc(3000, 7);
    const replies: number[] = [];
    let got = Buffer.alloc(0);
    conn.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      while (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        replies.push(got.readUInt16BE(0));
        got = got.subarray(2 + got.readUInt16BE(0));
      }
    });
    for (const byte of frame(big).subarray(0, 10)) conn.write(Buffer.from([byte]));
    conn.write(frame(big).subarray(10));
    conn.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(Buffer.alloc(10 + i, i)))));
    await until(() => served.asked.length === 4);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(served.asked.length, 4, 'no more than the pipeline is dispatched while answers are pending');
    assert.deepEqual(served.asked[0], big);
    while (replies.length < 11) {
      served.release();
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(served.asked.slice(1).map((m) => m.length), Array.from({ length: 10 }, (_, i) => 10 + i));
    conn.destroy();
  });
});
