import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import pino from 'pino';
import { ContainerStatusStore } from '../controller/container.status';
import { DnsResolver } from './dns.resolver';
import { UpstreamForwarder } from './upstream.forwarder';
import { WeaveDnsServer } from './weave-dns.server';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const query = (id: number, name: string) => dnsPacket.encode({ type: 'query', id, questions: [{ name, type: 'A' }] });

function askUdp(port: number, message: Buffer): Promise<dnsPacket.DecodedPacket> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('message', (reply) => {
      socket.close();
      resolve(dnsPacket.decode(reply));
    });
    socket.send(message, port, '127.0.0.1');
  });
}

/** Two queries in one TCP write, the second split across two more: both answered. */
function askTcpTwice(port: number, a: Buffer, b: Buffer): Promise<dnsPacket.DecodedPacket[]> {
  const frame = (m: Buffer) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 255]), m]);
  const both = Buffer.concat([frame(a), frame(b)]);
  return new Promise((resolve, reject) => {
    const conn = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const replies: dnsPacket.DecodedPacket[] = [];
    conn.on('error', reject);
    conn.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      while (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        replies.push(dnsPacket.decode(got.subarray(2, 2 + got.readUInt16BE(0))));
        got = got.subarray(2 + got.readUInt16BE(0));
      }
      if (replies.length === 2) conn.end(() => resolve(replies));
    });
    conn.write(both.subarray(0, frame(a).length + 3));
    setTimeout(() => conn.write(both.subarray(frame(a).length + 3)), 20);
  });
}

describe('WeaveDnsServer', () => {
  let server: WeaveDnsServer;
  let port: number;
  before(async () => {
    port = await freePort();
    const store = new ContainerStatusStore();
    store.set({
      id: 'c2', name: 'c2', ours: true, phase: 'attached', addresses: ['10.44.0.2/24'],
      hostname: 'c2', domainname: 'weave.local', lastReconcile: '',
    });
    const resolver = new DnsResolver(store, 'weave.local.', new UpstreamForwarder([], 50));
    server = new WeaveDnsServer({ host: '127.0.0.1', port }, resolver, pino({ level: 'silent' }));
    await server.onApplicationBootstrap();
  });
  after(() => server.onApplicationShutdown());

  test('UDP: a known name and an unknown one', async () => {
    const known = await askUdp(port, query(1, 'c2.weave.local'));
    assert.equal(known.id, 1);
    assert.equal((known.answers?.[0] as dnsPacket.StringAnswer).data, '10.44.0.2');
    const unknown = await askUdp(port, query(2, 'nope.weave.local'));
    assert.equal((unknown as { rcode?: string }).rcode, 'NXDOMAIN');
  });

  test('TCP: length-framed queries, split and batched', async () => {
    const replies = await askTcpTwice(port, query(3, 'c2'), query(4, 'outside.example'));
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.equal((byId.get(3)?.answers?.[0] as dnsPacket.StringAnswer).data, '10.44.0.2');
    assert.equal((byId.get(4) as { rcode?: string }).rcode, 'SERVFAIL');
  });

  test('counts the outcome of each query it answers (its own queries only)', async () => {
    const before = { ...server.queries };
    await askUdp(port, query(5, 'c2.weave.local'));
    await askUdp(port, query(6, 'nope.weave.local'));
    await askUdp(port, query(7, 'outside.example'));
    await askUdp(port, dnsPacket.encode({ type: 'query', id: 8, questions: [] }));
    const delta = Object.fromEntries(Object.entries(server.queries).map(([k, n]) => [k, n - before[k as keyof typeof before]]));
    assert.deepEqual(delta, { answered: 1, nxdomain: 1, forwarded: 0, servfail: 1, invalid: 1 });
  });

  test('a client over its rate has its queries dropped; another client is still answered', async () => {
    const limitedPort = await freePort();
    const store = new ContainerStatusStore();
    const resolver = new DnsResolver(store, 'weave.local.', new UpstreamForwarder([], 50));
    const limited = new WeaveDnsServer({ host: '127.0.0.1', port: limitedPort }, resolver, pino({ level: 'silent' }), undefined, {
      clientRatePerSecond: 0.001,
      clientBurst: 3,
    });
    await limited.onApplicationBootstrap();
    try {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
      for (let i = 0; i < 20; i++) socket.send(query(100 + i, 'nope.weave.local'), limitedPort, '127.0.0.1');
      const seen = new Set<number>();
      socket.on('message', (m) => seen.add(dnsPacket.decode(m).id!));
      while (limited.dropped.rateLimited < 17) await new Promise((r) => setTimeout(r, 5));
      socket.close();
      assert.equal(limited.queries.nxdomain, 3);
      const other = dgram.createSocket('udp4');
      await new Promise<void>((r) => other.bind(0, '127.0.0.2', r));
      const reply = await new Promise<dnsPacket.DecodedPacket>((resolve) => {
        other.once('message', (m) => resolve(dnsPacket.decode(m)));
        other.send(query(500, 'nope.weave.local'), limitedPort, '127.0.0.1');
      });
      other.close();
      assert.equal(reply.id, 500);
    } finally {
      await limited.onApplicationShutdown();
    }
  });
});
