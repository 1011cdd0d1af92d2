import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { IpamAllocator, MemoryLeaseStore } from '@app/ipam';
import { PeerRecord, PeerView } from '@app/mesh';
import { LeaseReclaimer } from './lease.reclaimer';

const RANGE = '10.2.0.0/24';
const peer = (id: string): PeerRecord => ({ id, address: '192.168.77.1', mtu: 1450, hostname: 'same', since: '' });
const [A, B, C] = ['a', 'b', 'c'].map((c) => peer(c.repeat(32)));
const view = (live: PeerRecord[], error?: string): PeerView => ({ self: A, live, gone: [], ...(error ? { error } : {}) });
const owner = (n: number) => String(n).padStart(64, '0');

async function setup() {
  const store = new MemoryLeaseStore();
  const ipamOf = (p: PeerRecord) => new IpamAllocator(store, { range: RANGE, hostId: 'same', peerId: p.id });
  await ipamOf(A).allocate(owner(1));
  await ipamOf(B).allocate(owner(2));
  await ipamOf(B).allocate(owner(3));
  await ipamOf(C).allocate(owner(4));
  let clock = 0;
  const reclaimer = new LeaseReclaimer(ipamOf(A), 60_000, pino({ level: 'silent' }), () => clock);
  return { store, reclaimer, tick: (ms: number) => (clock += ms) };
}

const owners = async (store: MemoryLeaseStore) => (await store.list()).map((l) => l.owner.slice(-1)).sort();

describe('LeaseReclaimer', () => {
  test('a peer absent for the grace period loses its leases; a live one and this one keep theirs', async () => {
    const { store, reclaimer, tick } = await setup();
    assert.deepEqual(await reclaimer.converge(view([A, C])), [], 'B just went missing');
    tick(59_999);
    assert.deepEqual(await reclaimer.converge(view([A, C])), []);
    tick(1);
    const released = await reclaimer.converge(view([A, C]));
    assert.deepEqual(released.map((l) => l.owner.slice(-1)).sort(), ['2', '3']);
    assert.deepEqual(await owners(store), ['1', '4']);
  });

  test('a peer back within the grace period starts over; a view read with an error or without itself reclaims nothing', async () => {
    const { store, reclaimer, tick } = await setup();
    await reclaimer.converge(view([A, C]));
    tick(30_000);
    await reclaimer.converge(view([A, B, C])); // B came back
    tick(30_000);
    assert.deepEqual(await reclaimer.converge(view([A, C])), []);
    tick(120_000);
    assert.deepEqual(await reclaimer.converge(view([A], 'etcd unreachable')), []);
    assert.deepEqual(await reclaimer.converge(view([C])), [], 'this peer itself is not registered: cut off');
    assert.deepEqual(await owners(store), ['1', '2', '3', '4']);
  });

  test('rmpeer: a live peer is refused (WPX_PEER_LIVE); a gone one is reclaimed at once', async () => {
    const { store, reclaimer } = await setup();
    await assert.rejects(reclaimer.reclaimNow(view([A, B, C]), B.id), { code: 'WPX_PEER_LIVE', status: 409, message: /peer b{32} \(same, 192\.168\.77\.1\) is live/ });
    await assert.rejects(reclaimer.reclaimNow(view([A, C]), A.id), { code: 'WPX_PEER_LIVE' });
    assert.equal((await reclaimer.reclaimNow(view([A, C]), B.id)).length, 2);
    assert.deepEqual(await reclaimer.reclaimNow(view([A, C]), B.id), [], 'again: nothing left');
    assert.deepEqual(await owners(store), ['1', '4']);
  });
});
