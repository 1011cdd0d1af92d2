import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { answerLocally, encodeResponse, LocalAnswer, shuffled, TTL_SECONDS } from './dns.answer';
import { DnsRecords } from './dns.records';

const DOMAIN = 'weave.local.';
const records = DnsRecords.build(
  [
    { phase: 'attached', hostname: 'c2', domainname: 'weave.local', addresses: ['10.44.0.2/24'] },
    { phase: 'attached', hostname: 'web', domainname: 'weave.local', addresses: ['10.44.0.3/24'] },
    { phase: 'attached', hostname: 'web', domainname: 'weave.local', addresses: ['10.44.0.4/24'] },
  ],
  DOMAIN,
);
const reverse = <T>(items: T[]) => items.reverse();
const data = (l: LocalAnswer | undefined) => l?.answers.map((a) => (a as dnsPacket.StringAnswer).data);
const ask = (name: string, type: dnsPacket.RecordType = 'A') => answerLocally({ name, type }, records, DOMAIN, reverse);

describe('answerLocally', () => {
  test('A of a known name, TTL 1, the question name kept as asked', () => {
    assert.deepEqual(ask('C2.weave.local'), {
      rcode: 'NOERROR',
      answers: [{ type: 'A', name: 'C2.weave.local', ttl: TTL_SECONDS, data: '10.44.0.2' }],
    });
  });

  test('a single label gets the domain', () => {
    assert.deepEqual(data(ask('c2')), ['10.44.0.2']);
  });

  test('every address of a shared name, through the shuffle', () => {
    assert.deepEqual(data(ask('web.weave.local')), ['10.44.0.4', '10.44.0.3']);
  });

  const cases: Array<[string, dnsPacket.RecordType, 'NOERROR' | 'NXDOMAIN', number]> = [
    ['nope.weave.local', 'A', 'NXDOMAIN', 0],
    ['nope.weave.local', 'AAAA', 'NXDOMAIN', 0],
    ['nope', 'A', 'NXDOMAIN', 0],
    ['c2.weave.local', 'AAAA', 'NOERROR', 0],
    ['c2.weave.local', 'MX', 'NOERROR', 0],
    ['weave.local', 'SOA', 'NOERROR', 0],
    ['2.0.44.10.in-addr.arpa', 'PTR', 'NOERROR', 1],
  ];
  for (const [name, type, rcode, count] of cases) {
    test(`${type} ${name} → ${rcode} with ${count} answers`, () => {
      const got = ask(name, type);
      assert.equal(got?.rcode, rcode);
      assert.equal(got?.answers.length, count);
    });
  }

  test('PTR of a weave address names its container', () => {
    assert.deepEqual(ask('2.0.44.10.in-addr.arpa.', 'PTR')?.answers, [
      { type: 'PTR', name: '2.0.44.10.in-addr.arpa.', ttl: TTL_SECONDS, data: 'c2.weave.local' },
    ]);
  });

  for (const [name, type] of [['example.com', 'A'], ['9.0.44.10.in-addr.arpa', 'PTR'], ['c2.weave.local.example.com', 'A']] as const) {
    test(`${type} ${name} is forwarded`, () => assert.equal(ask(name, type), undefined));
  }
});

describe('encodeResponse', () => {
  const query = dnsPacket.decode(
    dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'x.weave.local', type: 'A' }] }),
  );

  test('same id and question, authoritative, rcode in the header', () => {
    const reply = dnsPacket.decode(encodeResponse(query, 'NXDOMAIN'));
    assert.equal(reply.id, 4242);
    assert.equal(reply.type, 'response');
    assert.equal((reply as { rcode?: string }).rcode, 'NXDOMAIN');
    assert.ok(reply.flag_aa && reply.flag_rd && reply.flag_ra);
    assert.deepEqual(reply.questions, [{ name: 'x.weave.local', type: 'A', class: 'IN' }]);
  });

  test('SERVFAIL is not authoritative', () => {
    const reply = dnsPacket.decode(encodeResponse(query, 'SERVFAIL'));
    assert.equal((reply as { rcode?: string }).rcode, 'SERVFAIL');
    assert.ok(!reply.flag_aa);
  });

  test('too long for UDP: the answers that fit, names compressed, TC set; all of them without a limit', () => {
    const answers: dnsPacket.Answer[] = Array.from({ length: 60 }, (_, i) => ({
      type: 'A',
      name: 'x.weave.local',
      ttl: 1,
      data: `10.44.0.${i + 1}`,
    }));
    const udp = encodeResponse(query, 'NOERROR', answers, 512);
    const reply = dnsPacket.decode(udp);
    assert.ok(udp.length <= 512);
    assert.ok(reply.flag_tc);
    // 12-byte header, 19-byte question, 16 bytes per compressed A record: 30 fit in 512.
    assert.equal(reply.answers?.length, 30);
    assert.deepEqual(reply.answers?.map((a) => (a as dnsPacket.StringAnswer).data), answers.slice(0, 30).map((a) => (a as dnsPacket.StringAnswer).data));
    assert.ok(reply.answers?.every((a) => a.name === 'x.weave.local'));
    const all = dnsPacket.decode(encodeResponse(query, 'NOERROR', answers));
    assert.equal(all.answers?.length, 60);
    assert.ok(!all.flag_tc);
  });

  test('24 addresses fit in 512 bytes without TC', () => {
    const answers: dnsPacket.Answer[] = Array.from({ length: 24 }, (_, i) => ({ type: 'A', name: 'lb.weave.local', ttl: 1, data: `10.2.3.${i + 1}` }));
    const q = dnsPacket.decode(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: 'lb.weave.local', type: 'A' }] }));
    const reply = dnsPacket.decode(encodeResponse(q, 'NOERROR', answers, 512));
    assert.equal(reply.answers?.length, 24);
    assert.ok(!reply.flag_tc);
  });

  test('a query with EDNS gets an OPT record back', () => {
    const withOpt = dnsPacket.decode(dnsPacket.encode({
      type: 'query', id: 5, questions: [{ name: 'x.weave.local', type: 'A' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0 } as dnsPacket.Answer],
    }));
    const reply = dnsPacket.decode(encodeResponse(withOpt, 'NXDOMAIN'));
    assert.equal(reply.additionals?.[0]?.type, 'OPT');
    assert.equal(dnsPacket.decode(encodeResponse(query, 'NXDOMAIN')).additionals?.length, 0);
  });
});

describe('shuffled', () => {
  test('a permutation of its input', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    assert.deepEqual([...shuffled([...items])].sort((a, b) => a - b), items);
  });
});
