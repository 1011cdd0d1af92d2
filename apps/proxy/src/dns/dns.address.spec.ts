import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDnsEndpoint, parseDnsEndpoint } from './dns.address';
import { DnsAddressError } from './dns.errors';

describe('parseDnsEndpoint', () => {
  const good: Array<[string, string, number]> = [
    ['172.17.0.1', '172.17.0.1', 53],
    ['127.0.0.1:5353', '127.0.0.1', 5353],
    ['::1', '::1', 53],
    ['[::1]:5353', '::1', 5353],
    ['[fe80::1]', 'fe80::1', 53],
  ];
  for (const [text, host, port] of good) {
    test(`${text} → ${host} port ${port}`, () => assert.deepEqual(parseDnsEndpoint(text), { host, port }));
  }
  for (const text of ['', 'dns.example', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:x', '1.2.3:53', '[::1']) {
    test(`rejects "${text}"`, () => assert.throws(() => parseDnsEndpoint(text), DnsAddressError));
  }
});

describe('formatDnsEndpoint', () => {
  test('brackets IPv6 only', () => {
    assert.equal(formatDnsEndpoint({ host: '10.0.0.1', port: 53 }), '10.0.0.1:53');
    assert.equal(formatDnsEndpoint({ host: '::1', port: 53 }), '[::1]:53');
  });
});
