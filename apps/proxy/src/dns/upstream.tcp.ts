import * as net from 'node:net';
import { DnsEndpoint } from './dns.address';
import { UpstreamFailedError } from './dns.errors';

const LENGTH_BYTES = 2;

/**
 * Asks `query` of `upstream` over TCP (RFC 1035 §4.2.2 framing) and answers the first reply
 * message, which must carry the query's id. Rejects with `UpstreamFailedError` after `timeoutMs`,
 * on a connection error, or when the connection closes before a whole reply arrived. Holds at
 * most one reply (65,537 bytes).
 */
export function askOverTcp(upstream: DnsEndpoint, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const conn = net.connect({ host: upstream.host, port: upstream.port });
    let got = Buffer.alloc(0);
    const fail = (why: string) => finish(new UpstreamFailedError(`tcp ${upstream.host}:${upstream.port}: ${why}`));
    const finish = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(reply as Buffer);
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    conn.on('error', (err) => fail(err.message));
    conn.on('close', () => fail('closed before a whole reply'));
    conn.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < LENGTH_BYTES || got.length < LENGTH_BYTES + got.readUInt16BE(0)) return;
      const reply = got.subarray(LENGTH_BYTES, LENGTH_BYTES + got.readUInt16BE(0));
      if (reply.length >= 2 && reply.readUInt16BE(0) === query.readUInt16BE(0)) finish(undefined, reply);
      else fail('reply with another id');
    });
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt16BE(query.length);
    conn.write(Buffer.concat([length, query]));
  });
}
