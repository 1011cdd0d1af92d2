import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyConfig } from '../config/proxy.config';
import { ethweMtu } from './weave-attach.module';

const config = (fields: Partial<ProxyConfig>): ProxyConfig => Object.assign(new ProxyConfig(), fields);

describe('ethweMtu', () => {
  test('single host (sqlite): the bridge\'s, as before', () => assert.equal(ethweMtu(config({})), undefined));
  test('with etcd (VXLAN between hosts): 1500 - 50', () => assert.equal(ethweMtu(config({ store: 'etcd://10.0.0.1:2379' })), 1450));
  test('--mtu wins either way', () => {
    assert.equal(ethweMtu(config({ store: 'etcd://10.0.0.1:2379', mtu: 8950 })), 8950);
    assert.equal(ethweMtu(config({ mtu: 1400 })), 1400);
  });
});
