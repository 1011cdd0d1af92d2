import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { resolveIpamOptions } from './ipam.config';
import { parseStoreUrl } from './store.url';

describe('resolveIpamOptions', () => {
  test('defaults: 10.32.0.0/12, embedded sqlite, /var/lib/weave-proxy, this hostname; frozen', () => {
    const options = resolveIpamOptions();
    assert.deepEqual(options, { range: '10.32.0.0/12', store: 'sqlite', stateDir: '/var/lib/weave-proxy', hostId: hostname() });
    assert.ok(Object.isFrozen(options));
  });

  test('accepts valid values unchanged', () => {
    const input = { range: '10.2.3.0/30', store: 'etcd://127.0.0.1:2379,etcd-2:2380', stateDir: '/tmp/x', hostId: 'h1' };
    assert.deepEqual(resolveIpamOptions(input), input);
  });

  test('reports every problem at once', () => {
    const input = { range: '10.2.3.5/24', store: 'redis://x', stateDir: 'relative', hostId: ' ' };
    assert.throws(() => resolveIpamOptions(input), (err: Error & { code: string; status: number }) => {
      assert.equal(err.code, 'WPX_IPAM_INVALID_OPTIONS');
      assert.equal(err.status, 400);
      for (const part of ['10.2.3.5/24', 'redis://x', '"relative"', 'host id']) assert.match(err.message, new RegExp(part));
      return true;
    });
  });

  const badRanges = ['10.2.3.0/31', '10.2.3.0/32', 'fd00::/64', 'default'];
  for (const range of badRanges) {
    test(`rejects range ${range}`, () => {
      assert.throws(() => resolveIpamOptions({ range }), { code: 'WPX_IPAM_INVALID_OPTIONS', message: new RegExp(range) });
    });
  }
});

describe('parseStoreUrl', () => {
  const table: [string, ReturnType<typeof parseStoreUrl> | RegExp][] = [
    ['sqlite', { kind: 'sqlite' }],
    ['etcd://127.0.0.1:2379', { kind: 'etcd', endpoints: ['http://127.0.0.1:2379'] }],
    ['etcd://h1:2379,h2:2379', { kind: 'etcd', endpoints: ['http://h1:2379', 'http://h2:2379'] }],
    ['etcd://[::1]:2379', { kind: 'etcd', endpoints: ['http://[::1]:2379'] }],
    ['etcd://h1', /invalid etcd endpoints "h1"/],
    ['etcd://h1:2379,', /invalid etcd endpoints ""/],
    ['etcd://h1:99999', /invalid etcd endpoints "h1:99999"/],
    ['etcd3://h1:2379', /must be "sqlite" or etcd:\/\//],
    ['', /must be "sqlite"/],
  ];
  for (const [url, expected] of table) {
    test(JSON.stringify(url), () => {
      const parsed = parseStoreUrl(url);
      if (expected instanceof RegExp) assert.match(String(parsed), expected);
      else assert.deepEqual(parsed, expected);
    });
  }
});
