import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { ContainerStatus, ContainerStatusStore } from '../controller/container.status';
import { DnsResolver } from './dns.resolver';
import { UpstreamForwarder } from './upstream.forwarder';

/** Answers every forwarded query with a fixed reply, or fails like unreachable upstreams. */
class FakeForwarder extends UpstreamForwarder {
  forwarded: Buffer[] = [];
  constructor(private readonly reply: Buffer | undefined) {
    super([]);
  }
  override async forward(query: Buffer): Promise<Buffer | undefined> {
    this.forwarded.push(query);
    return this.reply;
  }
}

const status = (id: string, hostname: string, phase: ContainerStatus['phase'], address: string): ContainerStatus => ({
  id,
  name: id,
  ours: true,
  phase,
  addresses: [address],
  hostname,
  domainname: 'weave.local',
  lastReconcile: new Date(0).toISOString(),
});

const query = (name: string, type: dnsPacket.RecordType = 'A', flags = 0) =>
  dnsPacket.encode({ type: 'query', id: 7, flags, questions: [{ name, type }] });
const rcode = (reply: Buffer) => (dnsPacket.decode(reply) as { rcode?: string }).rcode;

function setup(reply?: Buffer) {
  const store = new ContainerStatusStore();
  const forwarder = new FakeForwarder(reply);
  return { store, forwarder, resolver: new DnsResolver(store, 'weave.local.', forwarder) };
}

describe('DnsResolver', () => {
  test('names come and go with the container statuses', async () => {
    const { store, resolver } = setup();
    store.set(status('c2', 'c2', 'attached', '10.44.0.2/24'));
    const first = await resolver.resolve(query('c2.weave.local'), 'udp');
    assert.equal(first?.outcome, 'answered');
    assert.deepEqual(dnsPacket.decode(first!.reply).answers?.map((a) => (a as dnsPacket.StringAnswer).data), ['10.44.0.2']);
    store.set(status('c2', 'c2', 'stopped', '10.44.0.2/24'));
    const stopped = await resolver.resolve(query('c2.weave.local'), 'udp');
    assert.equal(stopped?.outcome, 'nxdomain');
    assert.equal(rcode(stopped!.reply), 'NXDOMAIN');
    store.set(status('c2', 'c2', 'attached', '10.44.0.2/24'));
    assert.equal((await resolver.resolve(query('c2'), 'udp'))?.outcome, 'answered');
    store.delete('c2');
    assert.equal((await resolver.resolve(query('c2'), 'udp'))?.outcome, 'nxdomain');
    resolver.close();
  });

  test('outside the domain: the upstream reply, byte for byte', async () => {
    const upstreamReply = Buffer.from('upstream reply bytes');
    const { resolver, forwarder } = setup(upstreamReply);
    const q = query('example.com', 'A', dnsPacket.RECURSION_DESIRED);
    const result = await resolver.resolve(q, 'udp');
    assert.equal(result?.outcome, 'forwarded');
    assert.deepEqual(result?.reply, upstreamReply);
    assert.deepEqual(forwarder.forwarded, [q]);
  });

  test('every upstream failed: SERVFAIL', async () => {
    const { resolver } = setup(undefined);
    const result = await resolver.resolve(query('example.com'), 'udp');
    assert.equal(result?.outcome, 'servfail');
    assert.equal(rcode(result!.reply), 'SERVFAIL');
  });

  test('garbage and responses are dropped; other opcodes are not implemented', async () => {
    const { resolver } = setup();
    assert.equal(await resolver.resolve(Buffer.from([1, 2, 3]), 'udp'), undefined);
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'x', type: 'A' }] });
    assert.equal(await resolver.resolve(response, 'udp'), undefined);
    const notify = await resolver.resolve(query('c2', 'A', 4 << 11), 'udp');
    assert.equal(notify?.outcome, 'invalid');
    assert.equal(rcode(notify!.reply), 'NOTIMP');
  });
});
