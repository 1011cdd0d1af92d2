import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IpamAllocator } from './ipam.allocator';
import { SqliteLeaseStore } from './sqlite.lease-store';
import { makeTempDir, removeDir } from './testing/temp-dir';

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 1));
};

// Issue 15 item 6: another process (here: another connection) holds the write lock.
describe('SqliteLeaseStore while another connection holds the write lock', () => {
  test('an allocation waits without blocking the event loop, then completes once the lock is released', async () => {
    dirs.push(makeTempDir('sqlite-busy'));
    const store = SqliteLeaseStore.open(dirs[0]);
    const holder = new Database(join(dirs[0], 'ipam.db'));
    holder.exec('BEGIN EXCLUSIVE');
    let settled: string | undefined;
    const allocation = new IpamAllocator(store, { range: '10.2.0.0/16', hostId: 'h' }).allocate('c1').then(
      (lease) => (settled = `allocated ${lease.address}`),
      (err: Error) => (settled = `failed: ${err.message}`),
    );
    // Timers keep firing while the allocation waits: the event loop is free.
    await turns(20);
    assert.equal(settled, undefined, 'still waiting for the lock, not failed');
    holder.exec('COMMIT');
    holder.close();
    await allocation;
    assert.match(settled ?? '', /^allocated 10\.2\./);
    await store.close();
  });
});
