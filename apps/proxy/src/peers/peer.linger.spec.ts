import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRecord, PeerView } from '@app/mesh';
import { PeerLinger } from './peer.linger';

const peer = (id: string): PeerRecord => ({ id, address: `192.168.77.${id.length}`, mtu: 1500, hostname: 'h', since: '' });
const [A, B] = [peer('a'), peer('bb')];
const view = (live: PeerRecord[], gone: PeerRecord[] = []): PeerView => ({ self: A, live, gone });
const ids = (v: PeerView) => v.live.map((p) => p.id);

describe('PeerLinger (a restarted peer keeps its flood entry)', () => {
  test('a peer that left stays in the view for the linger time, then goes', () => {
    let clock = 0;
    const linger = new PeerLinger(10_000, () => clock);
    assert.deepEqual(ids(linger.apply(view([A, B]))), ['a', 'bb']);
    assert.equal(linger.nextExpiryMs(), undefined);
    assert.deepEqual(ids(linger.apply(view([A], [B]))), ['a', 'bb'], 'just left');
    clock = 9_999;
    assert.equal(linger.nextExpiryMs(), 1);
    assert.deepEqual(ids(linger.apply(view([A], [B]))), ['a', 'bb']);
    clock = 10_000;
    assert.deepEqual(ids(linger.apply(view([A], [B]))), ['a']);
    assert.equal(linger.nextExpiryMs(), undefined);
    assert.deepEqual(ids(linger.apply(view([A], [B]))), ['a'], 'gone stays gone');
  });

  test('a peer back within the linger time is live once, and a later leave lingers again', () => {
    let clock = 0;
    const linger = new PeerLinger(10_000, () => clock);
    linger.apply(view([A], [B]));
    clock = 2_000;
    assert.deepEqual(ids(linger.apply(view([A, B]))), ['a', 'bb']);
    clock = 50_000;
    assert.deepEqual(ids(linger.apply(view([A], [B]))), ['a', 'bb']);
  });
});
