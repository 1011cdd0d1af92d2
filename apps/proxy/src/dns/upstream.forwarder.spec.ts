import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';
import { chooseUpstreams, resolvConfServers, UpstreamForwarder } from './upstream.forwarder';

describe('resolvConfServers', () => {
  test('nameserver lines in order, comments and options ignored', () => {
    const text = '# generated\nsearch example.com\nnameserver 10.0.0.2\noptions ndots:2\n nameserver fe80::1%eth0\nnameserver bogus\n;nameserver 1.1.1.1\n';
    assert.deepEqual(resolvConfServers(text), ['10.0.0.2', 'fe80::1']);
  });
});

describe('chooseUpstreams', () => {
  const self = { host: '172.17.0.1', port: 53 };
  test('the flags win over resolv.conf', () => {
    assert.deepEqual(chooseUpstreams([{ host: '127.0.0.1', port: 5353 }], 'nameserver 10.0.0.2\n', self), [{ host: '127.0.0.1', port: 5353 }]);
  });
  test('resolv.conf without our own address', () => {
    assert.deepEqual(chooseUpstreams(undefined, 'nameserver 172.17.0.1\nnameserver 10.0.0.2\n', self), [
      { host: '10.0.0.2', port: 53 },
    ]);
  });
});

describe('UpstreamForwarder', () => {
  let good: dgram.Socket;
  let silent: dgram.Socket;
  const port = (s: dgram.Socket) => s.address().port;
  before(async () => {
    good = dgram.createSocket('udp4');
    silent = dgram.createSocket('udp4');
    good.on('message', (msg, from) => {
      const q = dnsPacket.decode(msg);
      const reply = dnsPacket.encode({
        type: 'response',
        id: q.id,
        questions: q.questions,
        answers: [{ type: 'A', name: q.questions![0].name, ttl: 60, data: '192.0.2.10' }],
      });
      good.send(reply, from.port, from.address);
    });
    await Promise.all([good, silent].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', r))));
  });
  after(() => {
    good.close();
    silent.close();
  });

  const query = dnsPacket.encode({ type: 'query', id: 99, questions: [{ name: 'outside.example', type: 'A' }] });

  test('a silent upstream is skipped after the timeout, the next one answers', async () => {
    const forwarder = new UpstreamForwarder(
      [{ host: '127.0.0.1', port: port(silent) }, { host: '127.0.0.1', port: port(good) }],
      200,
    );
    const reply = await forwarder.forward(query);
    assert.ok(reply);
    const decoded = dnsPacket.decode(reply);
    assert.equal(decoded.id, 99);
    assert.equal((decoded.answers?.[0] as dnsPacket.StringAnswer).data, '192.0.2.10');
  });

  test('no upstream answers: undefined', async () => {
    const forwarder = new UpstreamForwarder([{ host: '127.0.0.1', port: port(silent) }], 100);
    assert.equal(await forwarder.forward(query), undefined);
    assert.equal(await new UpstreamForwarder([], 100).forward(query), undefined);
  });

  test('at most maxInFlight queries are forwarded at once; more fail at once', async () => {
    const forwarder = new UpstreamForwarder([{ host: '127.0.0.1', port: port(silent) }], 300, 3);
    const started = Date.now();
    const first = Array.from({ length: 3 }, () => forwarder.forward(query));
    assert.equal(forwarder.pending, 3);
    assert.equal(await forwarder.forward(query), undefined);
    assert.ok(Date.now() - started < 300, 'the fourth did not wait for an upstream');
    assert.deepEqual(await Promise.all(first), [undefined, undefined, undefined]);
    assert.equal(forwarder.pending, 0);
  });

  test('a truncated UDP reply is asked again over TCP', async () => {
    const udp = dgram.createSocket('udp4');
    const answers = Array.from({ length: 40 }, (_, i) => ({ type: 'A' as const, name: 'big.example', ttl: 60, data: `192.0.2.${i}` }));
    const reply = (id: number | undefined, tc: boolean) =>
      dnsPacket.encode({ type: 'response', id, flags: tc ? dnsPacket.TRUNCATED_RESPONSE : 0, questions: [{ name: 'big.example', type: 'A' }], answers: tc ? [] : answers });
    udp.on('message', (msg, from) => udp.send(reply(dnsPacket.decode(msg).id, true), from.port, from.address));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const tcp = net.createServer((conn) => conn.once('data', (msg: Buffer) => {
      const body = reply(dnsPacket.decode(msg.subarray(2)).id, false);
      conn.end(Buffer.concat([Buffer.from([body.length >> 8, body.length & 255]), body]));
    }));
    await new Promise<void>((r) => tcp.listen(port(udp), '127.0.0.1', r));
    try {
      const big = dnsPacket.encode({ type: 'query', id: 77, questions: [{ name: 'big.example', type: 'A' }] });
      const got = await new UpstreamForwarder([{ host: '127.0.0.1', port: port(udp) }], 1000).forward(big);
      const decoded = dnsPacket.decode(got!);
      assert.equal(decoded.id, 77);
      assert.ok(!decoded.flag_tc);
      assert.equal(decoded.answers?.length, 40);
    } finally {
      udp.close();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });
});
