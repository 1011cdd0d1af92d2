import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOST_ID_FILE, loadOrCreateHostId } from './host-id.file';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'wpx-hostid-'));

describe('loadOrCreateHostId', () => {
  test('generated once, then the same id on every later start', () => {
    const dir = tempDir();
    const first = loadOrCreateHostId(path.join(dir, 'state'));
    assert.match(first, /^[0-9a-f]{32}$/);
    assert.equal(loadOrCreateHostId(path.join(dir, 'state')), first);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'state')), [HOST_ID_FILE], 'no temp file left');
    fs.rmSync(dir, { recursive: true });
  });

  test('two state dirs on one machine (same hostname) get distinct ids', () => {
    const dir = tempDir();
    const ids = ['a', 'b', 'c'].map((s) => loadOrCreateHostId(path.join(dir, s)));
    assert.equal(new Set(ids).size, 3);
    fs.rmSync(dir, { recursive: true });
  });

  test('an id written by another process first wins (the link is exclusive)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, HOST_ID_FILE), `${'ab'.repeat(16)}\n`);
    assert.equal(loadOrCreateHostId(dir), 'ab'.repeat(16));
    fs.rmSync(dir, { recursive: true });
  });

  test('a file that is not an id is an error naming it, never silently replaced', () => {
    const dir = tempDir();
    for (const content of ['', 'host-a\n', 'AB'.repeat(16), 'ab'.repeat(17)]) {
      fs.writeFileSync(path.join(dir, HOST_ID_FILE), content);
      assert.throws(() => loadOrCreateHostId(dir), new RegExp(`${HOST_ID_FILE} does not hold a peer id`), JSON.stringify(content));
      assert.equal(fs.readFileSync(path.join(dir, HOST_ID_FILE), 'utf8'), content);
    }
    fs.rmSync(dir, { recursive: true });
  });

  test('a state dir that cannot be created: the error names the path', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    assert.throws(() => loadOrCreateHostId(path.join(dir, 'file', 'state')), /file\/state/);
    fs.rmSync(dir, { recursive: true });
  });
});
