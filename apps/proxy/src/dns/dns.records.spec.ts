import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsRecords, inDomain, NamedContainer, ptrAddress, queryName, registeredName } from './dns.records';

const DOMAIN = 'weave.local.';

function attached(hostname: string, domainname: string | undefined, ...addresses: string[]): NamedContainer {
  return { phase: 'attached', hostname, domainname, addresses };
}

describe('queryName', () => {
  const cases: Array<[string, string]> = [
    ['c2.weave.local.', 'c2.weave.local'],
    ['C2.Weave.Local', 'c2.weave.local'],
    ['c2', 'c2.weave.local'],
    ['c2.', 'c2.weave.local'],
    ['example.com.', 'example.com'],
    ['.', ''],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(queryName(input, DOMAIN), want));
});

describe('inDomain', () => {
  test('names under the domain and the domain itself', () => {
    assert.ok(inDomain('c2.weave.local', DOMAIN));
    assert.ok(inDomain('weave.local', DOMAIN));
    assert.ok(!inDomain('notweave.local', DOMAIN));
    assert.ok(!inDomain('example.com', DOMAIN));
  });
});

describe('ptrAddress', () => {
  const cases: Array<[string, string | undefined]> = [
    ['4.3.2.10.in-addr.arpa.', '10.2.3.4'],
    ['4.3.2.10.IN-ADDR.ARPA', '10.2.3.4'],
    ['3.2.10.in-addr.arpa', undefined],
    ['256.3.2.10.in-addr.arpa', undefined],
    ['4.3.2.010.in-addr.arpa', '10.2.3.4'],
    ['5.4.3.2.10.in-addr.arpa', undefined],
    ['x.3.2.10.in-addr.arpa', undefined],
    ['in-addr.arpa', undefined],
    ['c2.weave.local', undefined],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(ptrAddress(input), want));
});

describe('registeredName', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['c2', 'weave.local', 'c2.weave.local'], // derived by the proxy
    ['seetwo.weave.local', '', 'seetwo.weave.local'], // docker run -h seetwo.weave.local
    ['SeeTwo.Weave.Local.', undefined, 'seetwo.weave.local'],
    ['c2', '', undefined], // -h c2: not in the domain
    ['c2', 'example.com', undefined],
    ['weave', 'local', undefined], // the domain itself is nobody's name
    ['', 'weave.local', undefined],
  ];
  for (const [hostname, domainname, want] of cases) {
    test(`${hostname} + ${domainname} → ${want}`, () => assert.equal(registeredName({ hostname, domainname }, DOMAIN), want));
  }
});

describe('DnsRecords', () => {
  test('attached containers only, addresses without prefix, both directions', () => {
    const records = DnsRecords.build(
      [
        attached('c1', 'weave.local', '10.44.0.1/24'),
        attached('c2', 'weave.local', '10.44.0.2/24', '10.45.0.2/16'),
        { ...attached('c3', 'weave.local', '10.44.0.3/24'), phase: 'stopped' },
        { ...attached('c4', 'weave.local', '10.44.0.4/24'), phase: 'failed' },
        attached('other', '', '10.44.0.5/24'),
      ],
      DOMAIN,
    );
    assert.deepEqual(records.addresses('c2.weave.local'), ['10.44.0.2', '10.45.0.2']);
    assert.deepEqual(records.addresses('c3.weave.local'), []);
    assert.deepEqual(records.addresses('c4.weave.local'), []);
    assert.deepEqual(records.names('10.45.0.2'), ['c2.weave.local']);
    assert.deepEqual(records.names('10.44.0.5'), []);
    assert.equal(records.size, 2);
  });

  test('several containers with one name answer all their addresses, once each', () => {
    const records = DnsRecords.build(
      [attached('web', 'weave.local', '10.44.0.1/24'), attached('web', 'weave.local', '10.44.0.2/24', '10.44.0.1/24')],
      DOMAIN,
    );
    assert.deepEqual(records.addresses('web.weave.local'), ['10.44.0.1', '10.44.0.2']);
  });

  test('one address with two names', () => {
    const records = DnsRecords.build(
      [attached('a', 'weave.local', '10.44.0.1/24'), attached('b.weave.local', '', '10.44.0.1/24')],
      DOMAIN,
    );
    assert.deepEqual(records.names('10.44.0.1'), ['a.weave.local', 'b.weave.local']);
  });
});
