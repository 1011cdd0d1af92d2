import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4Subnet, addressToNumber, addressesIn, numberToAddress } from './ipv4.subnet';

describe('Ipv4Subnet.parse', () => {
  const valid: [string, { cidr: string; hostCount: number; first?: string; last?: string }][] = [
    ['10.32.0.0/12', { cidr: '10.32.0.0/12', hostCount: 2 ** 20 - 2, first: '10.32.0.1', last: '10.47.255.254' }],
    ['10.2.3.0/30', { cidr: '10.2.3.0/30', hostCount: 2, first: '10.2.3.1', last: '10.2.3.2' }],
    ['10.2.3.0/31', { cidr: '10.2.3.0/31', hostCount: 0 }],
    ['10.2.3.4/32', { cidr: '10.2.3.4/32', hostCount: 0 }],
    ['0.0.0.0/0', { cidr: '0.0.0.0/0', hostCount: 2 ** 32 - 2, first: '0.0.0.1', last: '255.255.255.254' }],
  ];
  for (const [text, expected] of valid) {
    test(`accepts ${text}`, () => {
      const subnet = Ipv4Subnet.parse(text);
      assert.equal(subnet.cidr, expected.cidr);
      assert.equal(subnet.hostCount, expected.hostCount);
      if (expected.first) assert.deepEqual(subnet.hostSpan(), { first: expected.first, last: expected.last });
    });
  }

  const invalid: [string, RegExp][] = [
    ['10.2.0.5/24', /not a network address, did you mean 10\.2\.0\.0\/24\?/],
    ['10.2.0.0', /expected an IPv4 CIDR/],
    ['10.2.0.0/33', /expected an IPv4 CIDR/],
    ['10.2/16', /expected an IPv4 CIDR/],
    ['fd00::/64', /expected an IPv4 CIDR/],
    ['', /expected an IPv4 CIDR/],
  ];
  for (const [text, message] of invalid) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => Ipv4Subnet.parse(text), { code: 'WPX_IPAM_INVALID_SUBNET', message });
    });
  }
});

describe('Ipv4Subnet', () => {
  test('spansAfter starts after the cursor, wraps, covers each host once, never network/broadcast', () => {
    const subnet = Ipv4Subnet.parse('10.2.3.0/29');
    const spans = (cursor: string | undefined, first: number, max: number) =>
      [...subnet.spansAfter(cursor, first, max)].map((span) => `${span.first}-${span.last}`);
    assert.deepEqual(spans(undefined, 64, 64), ['10.2.3.1-10.2.3.6']);
    assert.deepEqual(spans('10.2.3.4', 64, 64), ['10.2.3.5-10.2.3.6', '10.2.3.1-10.2.3.4']);
    assert.deepEqual(spans('10.2.3.6', 64, 64), ['10.2.3.1-10.2.3.6']);
    assert.deepEqual(spans('10.9.9.9', 64, 64), ['10.2.3.1-10.2.3.6'], 'a cursor outside the subnet restarts at the first host');
    assert.deepEqual(spans('10.2.3.1', 1, 2), ['10.2.3.2-10.2.3.2', '10.2.3.3-10.2.3.4', '10.2.3.5-10.2.3.6', '10.2.3.1-10.2.3.1']);
    assert.deepEqual(spans(undefined, 1, 2).length, 4);
    assert.deepEqual([...Ipv4Subnet.parse('10.2.3.0/31').spansAfter(undefined, 64, 64)], []);
  });

  test('spans of a /12 double up to the maximum and add up to every host', () => {
    const range = Ipv4Subnet.parse('10.32.0.0/12');
    const sizes = [...range.spansAfter('10.40.0.0', 64, 65536)].map((s) => (addressToNumber(s.last) as number) - (addressToNumber(s.first) as number) + 1);
    assert.equal(sizes.reduce((a, b) => a + b, 0), range.hostCount);
    assert.deepEqual(sizes.slice(0, 4), [64, 128, 256, 512]);
    assert.ok(sizes.length < 40, `${sizes.length} store reads for a full scan`);
  });

  test('addressesIn lists a span in order', () => {
    assert.deepEqual([...addressesIn({ first: '10.0.0.254', last: '10.0.1.1' })], ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  test('covers, contains and containing', () => {
    const range = Ipv4Subnet.parse('10.32.0.0/12');
    assert.equal(range.covers(Ipv4Subnet.parse('10.32.4.0/28')), true);
    assert.equal(range.covers(Ipv4Subnet.parse('10.47.255.252/30')), true);
    assert.equal(range.covers(Ipv4Subnet.parse('10.0.0.0/8')), false);
    assert.equal(range.covers(Ipv4Subnet.parse('10.48.0.0/24')), false);
    assert.equal(Ipv4Subnet.containing(addressToNumber('10.2.1.77') as number, 24).cidr, '10.2.1.0/24');
  });

  test('address conversion is strict and round-trips', () => {
    assert.equal(addressToNumber('255.255.255.255'), 2 ** 32 - 1);
    assert.equal(numberToAddress(2 ** 32 - 1), '255.255.255.255');
    assert.equal(numberToAddress(addressToNumber('10.32.0.1') as number), '10.32.0.1');
    for (const bad of ['10.1', '010.1.1.1', '0x0a.1.1.1', '1.2.3.256', 'a.b.c.d']) {
      assert.equal(addressToNumber(bad), undefined, bad);
    }
  });
});
