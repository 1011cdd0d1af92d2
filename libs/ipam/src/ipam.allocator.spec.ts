import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpamAllocator } from './ipam.allocator';
import { LeaseStore } from './lease.store';
import { etcdBackend, memoryBackend, sqliteBackend } from './testing/store.backends';

const RANGE = '10.2.0.0/16';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

interface Ctx {
  readonly store: LeaseStore;
  /** An allocator on the shared store, for host `host` (default host-1) and range RANGE. */
  ipam(host?: string, range?: string): IpamAllocator;
}

const addressesOf = (leases: { address: string }[]) => leases.map((lease) => lease.address);

const cases: { name: string; run(ctx: Ctx): Promise<void> }[] = [
  {
    name: 'default range: first host address, the range as subnet, idempotent per owner',
    async run({ ipam }) {
      const first = await ipam().allocate(A, { name: 'web' });
      assert.deepEqual(
        { address: first.address, prefixLength: first.prefixLength, subnet: first.subnet, kind: first.kind, name: first.name, host: first.host },
        { address: '10.2.0.1', prefixLength: 16, subnet: RANGE, kind: 'allocated', name: 'web', host: 'host-1' },
      );
      assert.deepEqual(await ipam().allocate(A), first);
      assert.deepEqual(await ipam().leasesOf(A), [first]);
    },
  },
  {
    name: 'one lease per subnet: net:default and net:SUBNET are distinct allocations',
    async run({ ipam }) {
      const inDefault = await ipam().allocate(A);
      const inSubnet = await ipam().allocate(A, { subnet: '10.2.4.0/24' });
      assert.equal(inSubnet.address, '10.2.4.1');
      assert.equal(inSubnet.prefixLength, 24);
      assert.deepEqual(addressesOf(await ipam().leasesOf(A)), [inDefault.address, inSubnet.address]);
    },
  },
  {
    name: 'round robin: a released address is not handed straight back',
    async run({ ipam }) {
      const subnet = '10.2.3.0/29';
      assert.equal((await ipam().allocate(A, { subnet })).address, '10.2.3.1');
      await ipam().release(A);
      assert.equal((await ipam().allocate(A, { subnet })).address, '10.2.3.2');
      assert.equal((await ipam().allocate(B, { subnet })).address, '10.2.3.3');
    },
  },
  {
    name: 'never the network or broadcast address; wraps around to freed addresses',
    async run({ ipam }) {
      const subnet = '10.2.3.0/29';
      const owners = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
      const leases = await Promise.all(owners.map((owner) => ipam().allocate(owner, { subnet })));
      assert.deepEqual(addressesOf(leases).sort(), ['10.2.3.1', '10.2.3.2', '10.2.3.3', '10.2.3.4', '10.2.3.5', '10.2.3.6']);
      await assert.rejects(ipam().allocate('o7', { subnet }), { code: 'WPX_IPAM_EXHAUSTED' });
      await ipam().release('o3');
      assert.equal((await ipam().allocate('o7', { subnet })).address, leases[2].address);
    },
  },
  {
    name: 'exhaustion of a /30 (two host addresses) is a clean, exact error',
    async run({ ipam }) {
      const subnet = '10.2.3.0/30';
      assert.equal((await ipam().allocate(A, { subnet })).address, '10.2.3.1');
      assert.equal((await ipam().allocate(B, { subnet })).address, '10.2.3.2');
      await assert.rejects(ipam().allocate(C, { subnet }), {
        name: 'IpamExhaustedError',
        code: 'WPX_IPAM_EXHAUSTED',
        status: 503,
        message: 'no free address in 10.2.3.0/30',
      });
      assert.deepEqual(await ipam().leasesOf(C), []);
    },
  },
  {
    name: 'claim: idempotent for the holder, conflict names the holder, allocation skips it',
    async run({ ipam }) {
      const claimed = await ipam().claim(A, '10.2.3.1', 30, { name: '/web' });
      assert.deepEqual({ kind: claimed.kind, subnet: claimed.subnet }, { kind: 'claimed', subnet: '10.2.3.0/30' });
      assert.deepEqual(await ipam().claim(A, '10.2.3.1', 30), claimed);
      await assert.rejects(ipam('host-2').claim(B, '10.2.3.1', 30), {
        code: 'WPX_ADDRESS_IN_USE',
        status: 409,
        message: 'address 10.2.3.1 is already in use by container web',
      });
      assert.equal((await ipam().allocate(B, { subnet: '10.2.3.0/30' })).address, '10.2.3.2');
      await assert.rejects(ipam().claim(C, '10.2.3.2', 24), { message: `address 10.2.3.2 is already in use by container ${B.slice(0, 12)}` });
    },
  },
  {
    name: 'claim outside the range is stored as external: one owner per address (issue 14 item 2)',
    async run({ ipam, store }) {
      const lease = await ipam().claim(A, '192.168.7.9', 24, { name: '/web' });
      assert.deepEqual({ kind: lease.kind, subnet: lease.subnet }, { kind: 'external', subnet: '192.168.7.0/24' });
      assert.deepEqual(await store.list(), [lease]);
      assert.deepEqual(await ipam().claim(A, '192.168.7.9', 24), lease);
      await assert.rejects(ipam().claim(B, '192.168.7.9', 16), {
        code: 'WPX_ADDRESS_IN_USE',
        message: 'address 192.168.7.9 is already in use by container web',
      });
      assert.deepEqual(await ipam().release(A), [lease]);
      assert.equal((await ipam().claim(B, '192.168.7.9', 16)).owner, B);
    },
  },
  {
    name: 'concurrent claims of one external address: exactly one wins, the others name it',
    async run({ ipam }) {
      const owners = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'];
      const outcomes = await Promise.allSettled(
        owners.map((owner, i) => ipam(`host-${i % 2}`).claim(owner, '172.20.0.1', 24, { name: owner, stale: async () => false })),
      );
      const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      assert.equal(won.length, 1, JSON.stringify(outcomes));
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.match(String(o.reason?.message), new RegExp(`172\\.20\\.0\\.1 is already in use by container ${won[0].owner}$`));
      }
    },
  },
  {
    name: 'a stale holder of this host is taken over; a live one or another host\'s is a conflict',
    async run({ ipam, store }) {
      const held = await ipam().claim(A, '192.168.7.9', 24, { name: 'a' });
      const asked: string[] = [];
      const live = async (holder: { owner: string }) => (asked.push(holder.owner), false);
      await assert.rejects(ipam().claim(B, '192.168.7.9', 24, { stale: live }), { code: 'WPX_ADDRESS_IN_USE' });
      assert.deepEqual(asked, [A]);
      const taken = await ipam().claim(B, '192.168.7.9', 24, { stale: async () => true });
      assert.equal(taken.owner, B);
      assert.deepEqual(await store.list(), [taken]);
      assert.notDeepEqual(taken, held);
      await ipam('host-2').claim(C, '10.2.7.7', 24);
      await assert.rejects(ipam().claim(A, '10.2.7.7', 24, { stale: async () => true }), { code: 'WPX_ADDRESS_IN_USE' });
    },
  },
  {
    name: 'a stale check that fails is that failure, not a conflict, and takes nothing',
    async run({ ipam, store }) {
      const held = await ipam().claim(A, '192.168.7.9', 24);
      const failing = async () => {
        throw new Error('dockerd answered 500');
      };
      await assert.rejects(ipam().allocateAll(B, [{ type: 'net' }, { type: 'ip', address: '192.168.7.9', prefixLength: 24 }], { stale: failing }), /dockerd answered 500/);
      assert.deepEqual(await store.list(), [held]);
    },
  },
  {
    name: 'invalid requests are rejected before anything is reserved',
    async run({ ipam, store }) {
      const cases: [() => Promise<unknown>, string, string?][] = [
        [() => ipam().allocate(A, { subnet: '10.9.0.0/24' }), 'WPX_IPAM_SUBNET_OUTSIDE_RANGE', 'subnet 10.9.0.0/24 is outside the allocation range 10.2.0.0/16'],
        [() => ipam().allocate(A, { subnet: '10.0.0.0/8' }), 'WPX_IPAM_SUBNET_OUTSIDE_RANGE'],
        [() => ipam().allocate(A, { subnet: '10.2.0.5/24' }), 'WPX_IPAM_INVALID_SUBNET'],
        [() => ipam().allocate(A, { subnet: 'foo' }), 'WPX_IPAM_INVALID_SUBNET'],
        [() => ipam().allocate(A, { subnet: '10.2.0.0/31' }), 'WPX_IPAM_SUBNET_TOO_SMALL'],
        [() => ipam().claim(A, '10.2.3.0', 24), 'WPX_IPAM_INVALID_ADDRESS'],
        [() => ipam().claim(A, '10.2.3.255', 24), 'WPX_IPAM_INVALID_ADDRESS'],
        [() => ipam().claim(A, '10.2.3', 24), 'WPX_IPAM_INVALID_ADDRESS'],
        [() => ipam().claim(A, '10.2.3.4', 33), 'WPX_IPAM_INVALID_ADDRESS'],
      ];
      for (const [attempt, code, message] of cases) {
        await assert.rejects(attempt(), (err: Error & { code: string; status: number }) => {
          assert.equal(err.code, code);
          assert.equal(err.status, 400);
          if (message) assert.equal(err.message, message);
          return true;
        });
      }
      assert.deepEqual(await store.list(), []);
    },
  },
  {
    name: 'allocateAll takes every request in order',
    async run({ ipam }) {
      const leases = await ipam().allocateAll(A, [{ type: 'net' }, { type: 'net', subnet: '10.2.9.0/24' }, { type: 'ip', address: '10.2.1.1', prefixLength: 24 }], { name: 'db' });
      assert.deepEqual(addressesOf(leases), ['10.2.0.1', '10.2.9.1', '10.2.1.1']);
      assert.ok(leases.every((lease) => lease.name === 'db'));
    },
  },
  {
    name: 'allocateAll takes claims first: an allocation never repeats an address the owner claims',
    async run({ ipam }) {
      const leases = await ipam().allocateAll(A, [{ type: 'net', subnet: '10.2.9.0/24' }, { type: 'ip', address: '10.2.9.1', prefixLength: 24 }]);
      assert.deepEqual(addressesOf(leases), ['10.2.9.2', '10.2.9.1']);
    },
  },
  {
    name: 'allocateAll rolls back what it took when a later request fails, keeping earlier leases',
    async run({ ipam }) {
      const held = await ipam().allocate(A, { subnet: '10.2.5.0/24' });
      await ipam().claim(B, '10.2.1.1', 24);
      const requests = [
        { type: 'net' as const, subnet: '10.2.5.0/24' },
        { type: 'net' as const },
        { type: 'ip' as const, address: '10.2.1.1', prefixLength: 24 },
      ];
      await assert.rejects(ipam().allocateAll(A, requests), { code: 'WPX_ADDRESS_IN_USE' });
      assert.deepEqual(await ipam().leasesOf(A), [held]);
      await assert.rejects(ipam().allocateAll(C, [{ type: 'net' }, { type: 'net', subnet: '10.9.0.0/24' }]), { code: 'WPX_IPAM_SUBNET_OUTSIDE_RANGE' });
      assert.deepEqual(await ipam().leasesOf(C), []);
    },
  },
  {
    name: 'release and prune touch only this host and only dead owners',
    async run({ ipam }) {
      const [a, b] = [await ipam().allocate(A), await ipam().allocate(B)];
      const c = await ipam('host-2').allocate(C);
      assert.deepEqual(await ipam('host-2').release(A), []);
      assert.deepEqual(await ipam().prune(new Set([A])), [b]);
      assert.deepEqual(await ipam().prune(new Set([A])), []);
      assert.deepEqual(addressesOf(await ipam().list()), [a.address, c.address]);
      assert.deepEqual(await ipam().release(A), [a]);
      assert.deepEqual(await ipam().list(), [c]);
    },
  },
  {
    name: 'prune keeps a lease reserved at or after the time the live list was taken (issue 14 item 10)',
    async run({ store }) {
      let clock = Date.parse('2026-01-01T00:00:00.000Z');
      const ipam = new IpamAllocator(store, { range: RANGE, hostId: 'host-1', now: () => new Date(clock) });
      const old = await ipam.allocate(A);
      const listedAt = new Date(clock + 1000);
      clock += 1000;
      const atTheList = await ipam.allocate(B);
      clock += 1;
      const afterTheList = await ipam.claim(C, '192.168.7.9', 24);
      // None of A, B, C was in the list: only A's lease is older than it.
      assert.deepEqual(await ipam.prune(new Set(), listedAt), [old]);
      assert.deepEqual(addressesOf(await ipam.list()), [atTheList.address, afterTheList.address].sort());
      assert.deepEqual(addressesOf(await ipam.prune(new Set())), addressesOf([atTheList, afterTheList]).sort());
    },
  },
  {
    name: 'the store keeps the first range bound to it; an allocator of another range refuses every change',
    async run({ store }) {
      const bound = (range: string) => new IpamAllocator(store, { range, hostId: 'host-1', bindRange: true });
      assert.equal(await store.bindRange('10.2.0.0/16'), '10.2.0.0/16');
      assert.equal(await store.bindRange('10.32.0.0/12'), '10.2.0.0/16');
      await bound(RANGE).checkRange();
      const other = bound('10.32.0.0/12');
      const mismatch = { code: 'WPX_IPAM_RANGE_MISMATCH', message: /range 10\.2\.0\.0\/16, but .* --iprange 10\.32\.0\.0\/12/ };
      await assert.rejects(other.checkRange(), mismatch);
      await assert.rejects(other.allocate(A), mismatch);
      await assert.rejects(other.claim(A, '192.168.7.9', 24), mismatch);
      await assert.rejects(other.allocateAll(A, [{ type: 'net' }]), mismatch);
      await assert.rejects(other.prune(new Set()), mismatch);
      assert.deepEqual(await store.list(), []);
    },
  },
  {
    name: 'usage counts the range, its leases and what is left',
    async run({ ipam }) {
      const small = (host?: string) => ipam(host, '10.2.3.0/24');
      await small().allocate(A);
      await small().allocate(B, { subnet: '10.2.3.16/28' });
      await small().claim(C, '10.2.3.200', 24);
      await small().claim(C, '172.16.0.1', 24);
      await ipam().allocate(C, { subnet: '10.2.200.0/24' });
      assert.deepEqual(await small().usage(), { range: '10.2.3.0/24', size: 254, used: 3, free: 251 });
    },
  },
];

for (const backend of [memoryBackend(), sqliteBackend(), etcdBackend()]) {
  describe(`IpamAllocator with the ${backend.name} store`, { skip: backend.skip }, () => {
    before(() => backend.setUp());
    after(() => backend.tearDown());
    for (const { name, run } of cases) {
      test(name, async () => {
        const store = await backend.fresh();
        const ipam = (host = 'host-1', range = RANGE) => new IpamAllocator(store, { range, hostId: host });
        try {
          await run({ store, ipam });
        } finally {
          await store.close();
        }
      });
    }
  });
}
