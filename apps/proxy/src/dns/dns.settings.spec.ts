import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsOptions, WeaveDnsSettings } from './dns.settings';

const base: WeaveDnsSettings = {
  server: '172.17.0.1',
  domain: 'weave.local.',
  hostnameMatch: '(.*)',
  hostnameReplacement: '$1',
};

describe('createDnsOptions', () => {
  test('the container name by default', () => {
    assert.deepEqual(createDnsOptions(base, 'c2', undefined), { server: '172.17.0.1', domain: 'weave.local.', hostname: 'c2' });
  });

  test('--hostname-match with a named group and $name', () => {
    const settings = { ...base, hostnameMatch: '^[^-]+-(?P<app>[^-]*)-[^-]+$', hostnameReplacement: '$app' };
    assert.equal(createDnsOptions(settings, 'abc-web-1', {}).hostname, 'web');
  });

  test('--hostname-from-label takes the label, falls back to the name', () => {
    const settings = { ...base, hostnameFromLabel: 'dns.name' };
    assert.equal(createDnsOptions(settings, 'c9', { 'dns.name': 'labelled', other: 'x' }).hostname, 'labelled');
    assert.equal(createDnsOptions(settings, 'c9', { other: 'x' }).hostname, 'c9');
    assert.equal(createDnsOptions(settings, 'c9', ['dns.name']).hostname, 'c9');
  });

  test('no name, no label: no hostname (Docker picks one, not in the domain)', () => {
    assert.equal(createDnsOptions(base, null, undefined).hostname, undefined);
  });
});
