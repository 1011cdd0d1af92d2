import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4Address } from './ipv4-address';
import { Ipv4Cidr } from './ipv4-cidr';
import { Ipv4ErrorKind, Ipv4FormatError } from './ipv4.error';

const kindOf = (fn: () => unknown): Ipv4ErrorKind | 'none' => {
  try {
    fn();
    return 'none';
  } catch (err) {
    assert.ok(err instanceof Ipv4FormatError, String(err));
    return err.kind;
  }
};

describe('Ipv4Address', () => {
  const table: Array<[string, number | Ipv4ErrorKind]> = [
    ['0.0.0.0', 0],
    ['10.32.0.1', 0x0a200001],
    ['255.255.255.255', 2 ** 32 - 1],
    ['1.2.3.256', 'address'],
    ['1.2.3', 'address'],
    ['1.2.3.4.5', 'address'],
    ['010.1.1.1', 'address'],
    ['10.1', 'address'],
    ['0x0a.1.1.1', 'syntax'],
    ['a.b.c.d', 'syntax'],
    ['::1', 'syntax'],
    [' 1.2.3.4', 'syntax'],
    ['', 'syntax'],
  ];
  for (const [text, expected] of table) {
    test(`parse ${JSON.stringify(text)}`, () => {
      if (typeof expected === 'number') {
        assert.equal(Ipv4Address.parse(text).value, expected);
        assert.equal(Ipv4Address.parse(text).toString(), text);
        assert.equal(Ipv4Address.tryParse(text)?.value, expected);
      } else {
        assert.equal(kindOf(() => Ipv4Address.parse(text)), expected);
        assert.equal(Ipv4Address.tryParse(text), undefined);
      }
    });
  }

  test('fromNumber, plus and their range checks', () => {
    assert.equal(Ipv4Address.fromNumber(0x0a000001).toString(), '10.0.0.1');
    assert.equal(Ipv4Address.parse('10.0.0.255').plus(1).toString(), '10.0.1.0');
    assert.equal(Ipv4Address.parse('10.0.1.0').plus(-1).toString(), '10.0.0.255');
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => Ipv4Address.fromNumber(bad), RangeError, String(bad));
    assert.throws(() => Ipv4Address.parse('255.255.255.255').plus(1), RangeError);
  });
});

describe('Ipv4Cidr.parse (lenient) and parseNetwork (strict)', () => {
  // text, lenient outcome, strict outcome (a kind, or 'none' when accepted)
  const table: Array<[string, Ipv4ErrorKind | 'none', Ipv4ErrorKind | 'none']> = [
    ['10.32.0.0/12', 'none', 'none'],
    ['0.0.0.0/0', 'none', 'none'],
    ['255.255.255.255/32', 'none', 'none'],
    ['10.2.1.1/24', 'none', 'host-bits'],
    ['10.0.0.1/8', 'none', 'host-bits'],
    ['10.2.1.1', 'missing-prefix', 'missing-prefix'],
    ['10.2', 'missing-prefix', 'missing-prefix'],
    ['10.2/16', 'address', 'address'],
    ['010.1.1.1/24', 'address', 'address'],
    ['1.2.3.256/24', 'address', 'address'],
    ['10.2.1.1/33', 'prefix', 'prefix'],
    ['10.2.1.1/024', 'prefix', 'prefix'],
    ['10.2.1.1/', 'prefix', 'prefix'],
    ['10.2.1.1/-1', 'prefix', 'prefix'],
    ['10.2.1.1/24,10.2.2.1/24', 'prefix', 'prefix'],
    ['fd00::/64', 'syntax', 'syntax'],
    ['0x0a.1.1.1/24', 'syntax', 'syntax'],
    ['/24', 'syntax', 'syntax'],
    ['ten', 'syntax', 'syntax'],
    ['', 'syntax', 'syntax'],
  ];
  for (const [text, lenient, strict] of table) {
    test(JSON.stringify(text), () => {
      assert.equal(kindOf(() => Ipv4Cidr.parse(text)), lenient, 'parse');
      assert.equal(kindOf(() => Ipv4Cidr.parseNetwork(text)), strict, 'parseNetwork');
      if (lenient === 'none') assert.equal(Ipv4Cidr.parse(text).toString(), text, 'round-trips');
    });
  }

  test('host bits: the message and the suggestion name the network', () => {
    assert.throws(() => Ipv4Cidr.parseNetwork('10.0.0.1/8'), {
      message: '"10.0.0.1/8" is not a network address, did you mean 10.0.0.0/8?',
      suggestion: '10.0.0.0/8',
    });
  });
});

describe('Ipv4Cidr arithmetic', () => {
  const table: Array<[string, { network: string; broadcast: string; size: number; isNetwork: boolean }]> = [
    ['10.2.1.77/24', { network: '10.2.1.0', broadcast: '10.2.1.255', size: 256, isNetwork: false }],
    ['10.32.0.0/12', { network: '10.32.0.0', broadcast: '10.47.255.255', size: 2 ** 20, isNetwork: true }],
    ['10.2.3.5/31', { network: '10.2.3.4', broadcast: '10.2.3.5', size: 2, isNetwork: false }],
    ['10.2.3.4/32', { network: '10.2.3.4', broadcast: '10.2.3.4', size: 1, isNetwork: true }],
    ['1.2.3.4/0', { network: '0.0.0.0', broadcast: '255.255.255.255', size: 2 ** 32, isNetwork: false }],
  ];
  for (const [text, expected] of table) {
    test(text, () => {
      const cidr = Ipv4Cidr.parse(text);
      assert.equal(cidr.network.toString(), expected.network);
      assert.equal(cidr.broadcast.toString(), expected.broadcast);
      assert.equal(cidr.size, expected.size);
      assert.equal(cidr.isNetwork, expected.isNetwork);
      assert.equal(cidr.toNetwork().toString(), `${expected.network}/${cidr.prefixLength}`);
      assert.equal(cidr.nth(0).toString(), expected.network);
      assert.equal(cidr.nth(cidr.size - 1).toString(), expected.broadcast);
      assert.throws(() => cidr.nth(cidr.size), RangeError);
      assert.throws(() => cidr.nth(-1), RangeError);
    });
  }

  const contains: Array<[string, string, boolean]> = [
    ['10.32.0.0/12', '10.32.0.0', true],
    ['10.32.0.0/12', '10.47.255.255', true],
    ['10.32.0.0/12', '10.48.0.0', false],
    ['10.32.0.0/12', '10.31.255.255', false],
    ['10.32.0.0/12', '10.32.4.0/28', true],
    ['10.32.0.0/12', '10.47.255.252/30', true],
    ['10.32.0.0/12', '10.0.0.0/8', false],
    ['10.32.0.0/12', '10.48.0.0/24', false],
    ['10.2.1.5/24', '10.2.1.200', true],
    ['10.2.1.5/24', '10.2.1.9/32', true],
    ['0.0.0.0/0', '255.255.255.255', true],
  ];
  for (const [outer, inner, expected] of contains) {
    test(`${outer} contains ${inner}: ${expected}`, () => {
      const other = inner.includes('/') ? Ipv4Cidr.parse(inner) : Ipv4Address.parse(inner);
      assert.equal(Ipv4Cidr.parse(outer).contains(other), expected);
    });
  }

  test('of, containing, equals', () => {
    const address = Ipv4Address.parse('10.2.1.77');
    assert.equal(Ipv4Cidr.of(address, 24).toString(), '10.2.1.77/24');
    assert.equal(Ipv4Cidr.containing(address, 24).toString(), '10.2.1.0/24');
    assert.ok(Ipv4Cidr.parse('10.2.1.0/24').equals(Ipv4Cidr.containing(address, 24)));
    assert.ok(!Ipv4Cidr.parse('10.2.1.0/24').equals(Ipv4Cidr.parse('10.2.1.0/25')));
    for (const bad of [-1, 33, 1.5]) assert.throws(() => Ipv4Cidr.of(address, bad), RangeError);
  });
});
