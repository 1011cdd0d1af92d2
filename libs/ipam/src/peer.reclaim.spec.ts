import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpamAllocator } from './ipam.allocator';
import { LeaseStore } from './lease.store';
import { etcdBackend, memoryBackend } from './testing/store.backends';

// Issue 16, IPAM across hosts: leases carry the peer id; a dead peer's leases are reclaimed.
// Shared stores only (the embedded SQLite store serves one host and has no peers).
const RANGE = '10.2.0.0/24';
const P1 = '1'.repeat(32);
const P2 = '2'.repeat(32);
const P3 = '3'.repeat(32);
const owner = (n: number) => n.toString(16).padStart(64, '0');
const addresses = (leases: { address: string }[]) => leases.map((l) => l.address).sort();

function peer(store: LeaseStore, peerId: string, hostId = 'same-hostname'): IpamAllocator {
  return new IpamAllocator(store, { range: RANGE, hostId, peerId });
}

const cases: { name: string; run(store: LeaseStore): Promise<void> }[] = [
  {
    name: 'a lease records the peer that took it',
    async run(store) {
      assert.equal((await peer(store, P1).allocate(owner(1))).peer, P1);
      assert.equal((await peer(store, P1).claim(owner(2), '192.168.9.9', 24)).peer, P1);
      assert.equal((await new IpamAllocator(store, { range: RANGE, hostId: 'h' }).allocate(owner(3))).peer, undefined);
    },
  },
  {
    name: 'reclaim releases only the dead peers\' leases, never its own, and leaves leases without a peer',
    async run(store) {
      const mine = await peer(store, P1).allocate(owner(1));
      const dead = [await peer(store, P2).allocate(owner(2)), await peer(store, P2).claim(owner(3), '192.168.9.9', 24)];
      const live = await peer(store, P3).allocate(owner(4));
      const legacy = await new IpamAllocator(store, { range: RANGE, hostId: 'old' }).allocate(owner(5));
      const released = await peer(store, P1).reclaim((id) => id !== P3);
      assert.deepEqual(addresses(released), addresses(dead));
      assert.deepEqual(addresses(await store.list()), addresses([mine, live, legacy]));
      assert.deepEqual(await peer(store, P1).reclaim(() => true), [live], 'everyone else dead: only its own stays');
    },
  },
  {
    name: 'two peers reclaiming at once release each lease once; the addresses are free again',
    async run(store) {
      const dead = peer(store, P3);
      for (let i = 0; i < 6; i++) await dead.allocate(owner(i));
      const [a, b] = await Promise.all([peer(store, P1).reclaim((id) => id === P3), peer(store, P2).reclaim((id) => id === P3)]);
      assert.equal(a.length + b.length, 6);
      assert.equal(new Set([...a, ...b].map((l) => l.address)).size, 6);
      assert.deepEqual(await store.list(), []);
    },
  },
  {
    name: 'two hosts with one hostname: neither prunes nor takes over the other\'s leases',
    async run(store) {
      const theirs = await peer(store, P2).allocate(owner(2));
      assert.deepEqual(await peer(store, P1).prune(new Set()), []);
      const stale = async () => true;
      await assert.rejects(peer(store, P1).claim(owner(1), theirs.address, 24, { stale }), { code: 'WPX_ADDRESS_IN_USE' });
      assert.deepEqual(await store.list(), [theirs]);
    },
  },
  {
    name: 'prune never releases a host owner (weave expose)',
    async run(store) {
      const exposed = await peer(store, P1).allocate(`weave:expose:${P1}`);
      assert.deepEqual(await peer(store, P1).prune(new Set()), []);
      assert.deepEqual(await store.list(), [exposed]);
    },
  },
];

for (const backend of [memoryBackend(), etcdBackend()]) {
  describe(`IPAM across peers with the ${backend.name} store`, { skip: backend.skip }, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());
    for (const { name, run } of cases) {
      test(name, async () => {
        const store = await backend.fresh();
        try {
          await run(store);
        } finally {
          await store.close();
        }
      });
    }
  });
}
