import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IpamAllocator } from './ipam.allocator';
import { SqliteLeaseStore } from './sqlite.lease-store';
import { runRace } from './testing/race.runner';
import { makeTempDir, removeDir } from './testing/temp-dir';

const RANGE = '10.2.0.0/16';
const dirs: string[] = [];
const tempDir = () => {
  dirs.push(makeTempDir('sqlite-spec'));
  return dirs[dirs.length - 1];
};
after(() => dirs.forEach(removeDir));

describe('SqliteLeaseStore', () => {
  test('creates the state directory and ipam.db, in WAL mode', async () => {
    const stateDir = join(tempDir(), 'deep', 'state');
    const store = SqliteLeaseStore.open(stateDir);
    await new IpamAllocator(store, { range: RANGE, hostId: 'h' }).allocate('c1');
    assert.equal(store.path, join(stateDir, 'ipam.db'));
    assert.ok(existsSync(join(stateDir, 'ipam.db-wal')), 'write-ahead log present');
    await store.close();
  });

  test('leases and the round-robin cursor survive closing and reopening the file', async () => {
    const stateDir = tempDir();
    const first = SqliteLeaseStore.open(stateDir);
    const ipam = new IpamAllocator(first, { range: RANGE, hostId: 'h' });
    for (const owner of ['c1', 'c2', 'c3']) await ipam.allocate(owner, { name: `/${owner}` });
    await ipam.release('c3');
    const before = await ipam.list();
    await first.close();

    const reopened = SqliteLeaseStore.open(stateDir);
    const again = new IpamAllocator(reopened, { range: RANGE, hostId: 'h' });
    assert.deepEqual(await again.list(), before);
    assert.deepEqual(await again.allocate('c1'), before[0], 'still idempotent after a restart');
    assert.equal((await again.allocate('c4')).address, '10.2.0.4', 'round robin continues after the freed 10.2.0.3');
    await reopened.close();
  });

  test('committed leases survive kill -9 of the process holding the database open', async () => {
    const stateDir = tempDir();
    const config = { store: { sqlite: stateDir }, hostId: 'killed', range: RANGE, count: 5, hold: true };
    const { reports, children } = await runRace([config]);
    assert.equal(reports[0].addresses.length, 5);
    await new Promise((resolve) => {
      children[0].once('exit', resolve);
      children[0].kill('SIGKILL');
    });
    const store = SqliteLeaseStore.open(stateDir);
    const survivors = await store.list();
    assert.deepEqual(survivors.map((l) => l.address).sort(), [...reports[0].addresses].sort());
    assert.ok(survivors.every((lease) => lease.host === 'killed'));
    await store.close();
  });

  test('a state directory that cannot be created is WPX_IPAM_STORE_UNAVAILABLE naming the file', () => {
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, '');
    assert.throws(() => SqliteLeaseStore.open(join(blocker, 'state')), {
      code: 'WPX_IPAM_STORE_UNAVAILABLE',
      status: 503,
      message: new RegExp(`IPAM store ${join(blocker, 'state', 'ipam.db')} is unavailable`),
    });
  });

  test('a closed store rejects with WPX_IPAM_STORE_UNAVAILABLE', async () => {
    const store = SqliteLeaseStore.open(tempDir());
    await store.close();
    await assert.rejects(store.list(), { code: 'WPX_IPAM_STORE_UNAVAILABLE' });
    await assert.rejects(store.ping(), { code: 'WPX_IPAM_STORE_UNAVAILABLE' });
  });
});
