import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidInputError } from '@app/common';
import { formatCidr, parseWeaveCidr, weaveCidrFromEnv, WeaveCidrRequest, WeaveCidrSpec } from './weave-cidr.parser';

const claim = (address: string, prefixLength: number, text: string): WeaveCidrRequest => ({
  kind: 'claim',
  address,
  prefixLength,
  text,
});
// No `subnet` key at all for the default range, so deepEqual also checks its absence.
const allocate = (text: string, subnet?: string): WeaveCidrRequest =>
  subnet === undefined ? { kind: 'allocate', text } : { kind: 'allocate', subnet, text };

describe('parseWeaveCidr: accepted values', () => {
  const cases: Array<[string | undefined, WeaveCidrSpec]> = [
    [undefined, { kind: 'absent' }],
    ['', { kind: 'requests', requests: [allocate('')] }],
    ['   \t ', { kind: 'requests', requests: [allocate('')] }],
    ['none', { kind: 'none' }],
    [' none ', { kind: 'none' }],
    ['10.2.1.1/24', { kind: 'requests', requests: [claim('10.2.1.1', 24, '10.2.1.1/24')] }],
    ['ip:10.2.1.1/24', { kind: 'requests', requests: [claim('10.2.1.1', 24, 'ip:10.2.1.1/24')] }],
    ['0.0.0.0/0', { kind: 'requests', requests: [claim('0.0.0.0', 0, '0.0.0.0/0')] }],
    ['255.255.255.255/32', { kind: 'requests', requests: [claim('255.255.255.255', 32, '255.255.255.255/32')] }],
    ['net:default', { kind: 'requests', requests: [allocate('net:default')] }],
    ['net:10.2.0.0/24', { kind: 'requests', requests: [allocate('net:10.2.0.0/24', '10.2.0.0/24')] }],
    ['net:10.32.4.0/28', { kind: 'requests', requests: [allocate('net:10.32.4.0/28', '10.32.4.0/28')] }],
    ['net:0.0.0.0/0', { kind: 'requests', requests: [allocate('net:0.0.0.0/0', '0.0.0.0/0')] }],
    [
      '10.2.1.1/24 10.2.2.1/24',
      { kind: 'requests', requests: [claim('10.2.1.1', 24, '10.2.1.1/24'), claim('10.2.2.1', 24, '10.2.2.1/24')] },
    ],
    [
      '\tnet:default \n  ip:10.2.1.1/24  net:10.2.0.0/16 ',
      {
        kind: 'requests',
        requests: [
          allocate('net:default'),
          claim('10.2.1.1', 24, 'ip:10.2.1.1/24'),
          allocate('net:10.2.0.0/16', '10.2.0.0/16'),
        ],
      },
    ],
  ];
  for (const [value, expected] of cases) {
    test(JSON.stringify(value) ?? 'undefined', () => assert.deepEqual(parseWeaveCidr(value), expected));
  }
});

describe('parseWeaveCidr: refused values name the first bad token', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['foo', 'foo', /expected/],
    ['net:foo', 'net:foo', /expected/],
    ['NONE', 'NONE', /expected/],
    ['None', 'None', /expected/],
    ['10.2.1.256/24', '10.2.1.256/24', /not a canonical IPv4 address/],
    ['010.1.1.1/24', '010.1.1.1/24', /not a canonical IPv4 address/],
    ['0x0a.1.1.1/24', '0x0a.1.1.1/24', /expected/],
    ['1.2.3/24', '1.2.3/24', /not a canonical IPv4 address/],
    ['1.2.3.4.5/24', '1.2.3.4.5/24', /not a canonical IPv4 address/],
    ['10.2.1.1/33', '10.2.1.1/33', /prefix length/],
    ['10.2.1.1/024', '10.2.1.1/024', /prefix length/],
    ['10.2.1.1/', '10.2.1.1/', /prefix length/],
    ['10.2.1.1/-1', '10.2.1.1/-1', /prefix length/],
    ['10.2.1.1', '10.2.1.1', /needs a prefix length/],
    ['ip:10.2.1.1', 'ip:10.2.1.1', /needs a prefix length/],
    ['net:10.2.0.5/24', 'net:10.2.0.5/24', /network address, 10\.2\.0\.0\/24/],
    ['net:', 'net:', /expected/],
    ['ip:', 'ip:', /expected/],
    ['net:default/24', 'net:default/24', /expected/],
    ['ip:net:10.2.0.0/24', 'ip:net:10.2.0.0/24', /expected/],
    ['fe80::1/64', 'fe80::1/64', /expected/],
    ['10.2.1.1/24 foo bar', 'foo', /expected/],
    ['10.2.1.1/24 none', 'none', /cannot be combined/],
    ['none 10.2.1.1/24', 'none', /cannot be combined/],
    ['10.2.1.1/24,10.2.2.1/24', '10.2.1.1/24,10.2.2.1/24', /prefix length/],
    // Issue 14 item 9: a repeated token is refused at create, naming it (not RTNETLINK "File exists").
    ['10.2.1.1/24 10.2.1.1/24', '10.2.1.1/24', /repeats the address 10\.2\.1\.1 of "10\.2\.1\.1\/24"/],
    ['10.2.1.1/24 ip:10.2.1.1/24', 'ip:10.2.1.1/24', /repeats the address 10\.2\.1\.1 of "10\.2\.1\.1\/24"/],
    ['10.2.1.1/24 10.2.2.1/24 10.2.1.1/16', '10.2.1.1/16', /repeats the address 10\.2\.1\.1/],
    ['net:default net:default', 'net:default', /repeats the subnet default of "net:default"/],
    ['net:10.2.0.0/24 10.2.1.1/24 net:10.2.0.0/24', 'net:10.2.0.0/24', /repeats the subnet 10\.2\.0\.0\/24/],
  ];
  for (const [value, token, reason] of cases) {
    test(value, () => {
      assert.throws(
        () => parseWeaveCidr(value),
        (err: unknown) => {
          assert.ok(err instanceof InvalidInputError);
          assert.equal(err.code, 'WPX_INVALID_WEAVE_CIDR');
          assert.equal(err.status, 400);
          assert.ok(err.message.startsWith(`invalid WEAVE_CIDR "${token}": `), err.message);
          assert.match(err.message, reason);
          return true;
        },
      );
    });
  }
});

describe('weaveCidrFromEnv', () => {
  const cases: Array<[string, string[] | null | undefined, string | undefined]> = [
    ['undefined env', undefined, undefined],
    ['null env', null, undefined],
    ['no entry', ['PATH=/bin', 'A=1'], undefined],
    ['value', ['PATH=/bin', 'WEAVE_CIDR=10.2.1.1/24'], '10.2.1.1/24'],
    ['blank value', ['WEAVE_CIDR='], ''],
    ['first entry wins', ['WEAVE_CIDR=none', 'WEAVE_CIDR=10.2.1.1/24'], 'none'],
    ['key without = is absent', ['WEAVE_CIDR'], undefined],
    ['key without = then a value', ['WEAVE_CIDR', 'WEAVE_CIDR=net:default'], 'net:default'],
    ['exact key only', ['XWEAVE_CIDR=1', 'WEAVE_CIDRS=2', 'weave_cidr=3'], undefined],
    ['value containing =', ['WEAVE_CIDR=a=b'], 'a=b'],
  ];
  for (const [name, env, expected] of cases) {
    test(name, () => assert.equal(weaveCidrFromEnv(env), expected));
  }
});

test('formatCidr', () => assert.equal(formatCidr('10.2.1.1', 24), '10.2.1.1/24'));

describe('parseWeaveCidr properties', () => {
  test('throws nothing but InvalidInputError for arbitrary strings', () => {
    const tokenish = fc.oneof(
      fc.string(),
      fc.stringMatching(/^(ip:|net:)?[0-9x.]{0,16}(\/[0-9-]{0,3})?$/),
      fc.constantFrom('none', 'net:default', ' ', '\t', '\u00a0'),
    );
    fc.assert(
      fc.property(fc.array(tokenish, { maxLength: 4 }), (parts) => {
        try {
          parseWeaveCidr(parts.join(' '));
        } catch (err) {
          return err instanceof InvalidInputError && err.code === 'WPX_INVALID_WEAVE_CIDR';
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  test('every canonical CIDR round-trips as a claim', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 32 }), (o, prefix) => {
        const address = o.join('.');
        const spec = parseWeaveCidr(`ip:${formatCidr(address, prefix)}`);
        assert.deepEqual(spec, { kind: 'requests', requests: [claim(address, prefix, `ip:${address}/${prefix}`)] });
      }),
    );
  });
});
