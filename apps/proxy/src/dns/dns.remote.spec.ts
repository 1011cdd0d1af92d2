// weaveDNS across hosts (issue 16): the other hosts' endpoint records answer A and PTR queries as
// local containers do, and a change of them (a host gone with its lease) is seen at the next query.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { ContainerStatusStore } from '../controller/container.status';
import { DnsRecords, RemoteEndpoint, RemoteEndpoints } from './dns.records';
import { DnsResolver } from './dns.resolver';
import { UpstreamForwarder } from './upstream.forwarder';

class Remote implements RemoteEndpoints {
  records: RemoteEndpoint[] = [];
  private readonly listeners = new Set<() => void>();
  list(): readonly RemoteEndpoint[] {
    return this.records;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(records: RemoteEndpoint[]): void {
    this.records = records;
    for (const l of this.listeners) l();
  }
}

const query = (name: string, type: dnsPacket.RecordType = 'A') => dnsPacket.encode({ type: 'query', id: 7, questions: [{ name, type }] });
const data = (reply: Buffer | undefined) => dnsPacket.decode(reply!).answers?.map((a) => (a as dnsPacket.StringAnswer).data);

describe('DnsRecords with remote endpoints', () => {
  test('names strictly inside the domain answer with every address; others are left out', () => {
    const records = DnsRecords.build([], 'weave.local.', [
      { fqdns: ['c2.weave.local'], addresses: ['10.2.1.2/24', '10.3.0.2/16'] },
      { fqdns: ['db.example.com', 'weave.local'], addresses: ['10.2.1.9/24'] },
    ]);
    assert.deepEqual(records.addresses('c2.weave.local'), ['10.2.1.2', '10.3.0.2']);
    assert.deepEqual(records.names('10.3.0.2'), ['c2.weave.local']);
    assert.deepEqual([records.addresses('db.example.com'), records.addresses('weave.local'), records.names('10.2.1.9')], [[], [], []]);
  });

  test('a name on two hosts (or here and there) answers with both addresses', () => {
    const local = { phase: 'attached' as const, hostname: 'web', domainname: 'weave.local', addresses: ['10.2.1.1/24'] };
    const records = DnsRecords.build([local], 'weave.local', [{ fqdns: ['web.weave.local'], addresses: ['10.2.1.2/24'] }]);
    assert.deepEqual(records.addresses('web.weave.local'), ['10.2.1.1', '10.2.1.2']);
  });
});

describe('DnsResolver with remote endpoints', () => {
  const forwarder = new (class extends UpstreamForwarder {
    override async forward(): Promise<Buffer | undefined> {
      return undefined;
    }
  })([]);

  test('A, bare name and PTR answered for a container of another host; gone at once when its host is', async () => {
    const remote = new Remote();
    const resolver = new DnsResolver(new ContainerStatusStore(), 'weave.local.', forwarder, (x) => [...x], remote);
    remote.set([{ fqdns: ['c2.weave.local'], addresses: ['10.2.1.2/24'] }]);
    assert.deepEqual(data((await resolver.resolve(query('c2.weave.local'), 'udp'))?.reply), ['10.2.1.2']);
    assert.deepEqual(data((await resolver.resolve(query('c2'), 'udp'))?.reply), ['10.2.1.2']);
    assert.deepEqual(data((await resolver.resolve(query('2.1.2.10.in-addr.arpa', 'PTR'), 'udp'))?.reply), ['c2.weave.local']);
    remote.set([]);
    assert.equal((await resolver.resolve(query('c2.weave.local'), 'udp'))?.outcome, 'nxdomain');
    resolver.close();
  });
});
