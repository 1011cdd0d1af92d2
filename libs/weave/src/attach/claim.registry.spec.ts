import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClaimOnlyAllocator } from './address.allocator';
import { AddressInUseError } from './attach.errors';
import { WeaveCidrRequest } from '../cidr/weave-cidr.parser';

const claim = (address: string): WeaveCidrRequest => ({ kind: 'claim', address, prefixLength: 24, text: `${address}/24` });

describe('ClaimOnlyAllocator: one owner per address without an IPAM store (issue 14 item 2)', () => {
  test('concurrent claims of one address whose holders all run: exactly one wins, the others name it', async () => {
    const allocator = new ClaimOnlyAllocator();
    // A slow liveness check (dockerd answering late) between the check and the write.
    const running = () => new Promise<boolean>((r) => setTimeout(() => r(false), 5));
    const owners = ['a', 'b', 'c', 'd', 'e'];
    const outcomes = await Promise.allSettled(owners.map((o) => allocator.acquire(o, [claim('10.2.1.1')], { name: o, stale: running })));
    const won = owners.filter((_, i) => outcomes[i].status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        assert.ok(o.reason instanceof AddressInUseError);
        assert.equal(o.reason.message, `address 10.2.1.1/24 is already in use by container ${won[0]}`);
      }
    }
  });

  test('a stopped holder is taken over; a failing check is passed on and takes nothing', async () => {
    const allocator = new ClaimOnlyAllocator();
    await allocator.acquire('a', [claim('10.2.1.1')], { name: 'a' });
    const failing = async () => Promise.reject(new Error('dockerd answered 500'));
    await assert.rejects(allocator.acquire('b', [claim('10.2.1.1')], { stale: failing }), /dockerd answered 500/);
    await assert.rejects(allocator.acquire('b', [claim('10.2.1.1')]), AddressInUseError);
    assert.deepEqual(await allocator.acquire('b', [claim('10.2.1.1')], { stale: async () => true }), [{ address: '10.2.1.1', prefixLength: 24 }]);
    await assert.rejects(allocator.acquire('a', [claim('10.2.1.1')], { stale: async () => false }), /in use by container b$/);
    await allocator.release('b');
    await allocator.acquire('a', [claim('10.2.1.1')]);
  });
});
