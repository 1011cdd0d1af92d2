import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { EDNS_MAX_SIZE, encodeFitting, udpLimit, UDP_MAX_SIZE } from './dns.fit';

const opt = (udpPayloadSize: number) =>
  ({ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0 }) as dnsPacket.Answer;
const a = (name: string, i: number): dnsPacket.Answer => ({ type: 'A', name, ttl: 60, data: `192.0.2.${i}` });

describe('udpLimit', () => {
  const cases: Array<[string, dnsPacket.Answer[], number]> = [
    ['no EDNS', [], UDP_MAX_SIZE],
    ['EDNS 4096 is clamped', [opt(4096)], EDNS_MAX_SIZE],
    ['EDNS 1000', [opt(1000)], 1000],
    ['EDNS below 512 counts as 512', [opt(100)], UDP_MAX_SIZE],
  ];
  for (const [label, additionals, limit] of cases) {
    test(label, () => assert.equal(udpLimit({ type: 'query', additionals }), limit));
  }
});

describe('encodeFitting', () => {
  const question = [{ name: 'www.example', type: 'A' as const }];
  const packet = (answers: dnsPacket.Answer[], extra: Partial<dnsPacket.Packet> = {}): dnsPacket.Packet => ({
    type: 'response', id: 9, flags: dnsPacket.RECURSION_DESIRED, questions: question, answers, ...extra,
  });

  test('owner names equal to the question (any case) are pointers; others are written out', () => {
    const list = [a('www.example', 1), a('WWW.Example', 2), a('other.example', 3)];
    const bytes = encodeFitting(packet(list), 512);
    const decoded = dnsPacket.decode(bytes);
    assert.deepEqual(decoded.answers?.map((r) => r.name), ['www.example', 'www.example', 'other.example']);
    const uncompressed = dnsPacket.encode(packet(list));
    assert.equal(uncompressed.length - bytes.length, 2 * (13 - 2));
  });

  test('truncation keeps the OPT record and drops authorities and additionals', () => {
    const many = Array.from({ length: 100 }, (_, i) => a('www.example', i));
    const bytes = encodeFitting(packet(many, { authorities: [{ type: 'NS', name: 'example', data: 'ns.example' }], additionals: [a('ns.example', 1), opt(1232)] }), 512);
    const decoded = dnsPacket.decode(bytes);
    assert.ok(bytes.length <= 512);
    assert.ok(decoded.flag_tc && decoded.flag_rd);
    assert.equal(decoded.authorities?.length, 0);
    assert.deepEqual(decoded.additionals?.map((r) => r.type), ['OPT']);
    assert.equal(decoded.answers?.length, Math.floor((512 - 12 - 17 - 11) / 16));
  });

  test('everything fits: authorities and additionals kept, no TC', () => {
    const decoded = dnsPacket.decode(
      encodeFitting(packet([a('www.example', 1)], { authorities: [{ type: 'NS', name: 'example', data: 'ns.example' }], additionals: [a('ns.example', 1)] }), 512),
    );
    assert.ok(!decoded.flag_tc);
    assert.equal(decoded.authorities?.length, 1);
    assert.equal(decoded.additionals?.length, 1);
  });
});
