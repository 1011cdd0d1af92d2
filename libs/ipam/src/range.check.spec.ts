import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpamStoreUnavailableError } from './errors';
import { IpamAllocator } from './ipam.allocator';
import { MemoryLeaseStore } from './memory.lease-store';

/** A store whose next `failures` calls of bindRange fail as an unreachable store does, slowly. */
class FlakyStore extends MemoryLeaseStore {
  calls = 0;
  constructor(private failures: number) {
    super();
  }
  override async bindRange(range: string): Promise<string> {
    this.calls++;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failures-- > 0) throw new IpamStoreUnavailableError('IPAM store etcd://x is unavailable: deadline exceeded');
    return super.bindRange(range);
  }
}

describe('IpamAllocator.checkRange with a store that fails (issue 14 item 6)', () => {
  test('an unavailable store is asked again at the next use; a success is remembered', async () => {
    const store = new FlakyStore(2);
    const ipam = new IpamAllocator(store, { range: '10.2.0.0/16', hostId: 'h', bindRange: true });
    await assert.rejects(ipam.allocate('a'), IpamStoreUnavailableError);
    await assert.rejects(ipam.checkRange(), IpamStoreUnavailableError);
    assert.equal((await ipam.allocate('a')).address, '10.2.0.1');
    await ipam.claim('b', '192.168.0.1', 24);
    assert.equal(store.calls, 3);
  });

  test('concurrent first uses share one check; a mismatch is remembered', async () => {
    const store = new FlakyStore(0);
    await store.bindRange('10.32.0.0/12');
    const ipam = new IpamAllocator(store, { range: '10.2.0.0/16', hostId: 'h', bindRange: true });
    const outcomes = await Promise.allSettled([ipam.allocate('a'), ipam.allocate('b'), ipam.claim('c', '10.2.0.9', 16)]);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason.code === 'WPX_IPAM_RANGE_MISMATCH'));
    await assert.rejects(ipam.prune(new Set()), { code: 'WPX_IPAM_RANGE_MISMATCH' });
    assert.equal(store.calls, 2);
    assert.deepEqual(await store.list(), []);
  });
});
