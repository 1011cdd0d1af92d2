import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderHosts, rewriteHostsFile } from './hosts-file.writer';

test('weave addresses name the container and --add-host entries survive', () => {
  const text = renderHosts({
    hostname: 'c1',
    domainname: 'weave.local',
    addresses: ['10.2.1.1', '10.2.2.1'],
    extraHosts: ['db:10.9.9.9', 'ipv6host:fe80::1'],
  });
  assert.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(text, /^10\.2\.1\.1\tc1\.weave\.local c1$/m);
  assert.match(text, /^10\.2\.2\.1\tc1\.weave\.local c1$/m);
  assert.match(text, /^10\.9\.9\.9\tdb$/m);
  assert.match(text, /^fe80::1\tipv6host$/m);
  assert.ok(text.indexOf('10.2.1.1') < text.indexOf('10.2.2.1'), 'first address first');
});

test('without a domain only the hostname is listed', () => {
  assert.match(renderHosts({ hostname: 'h', addresses: ['10.0.0.2'], extraHosts: [] }), /^10\.0\.0\.2\th$/m);
});

test('the file is rewritten, and the old inode (the container\'s view) holds the same text', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-'));
  const file = path.join(dir, 'hosts');
  fs.writeFileSync(file, '172.17.0.2\tc1\n');
  const held = fs.openSync(file, 'r'); // stands in for the container's bind mount
  await rewriteHostsFile(file, { hostname: 'c1', addresses: ['10.2.1.1'], extraHosts: [] });
  const viaOldInode = Buffer.alloc(4096);
  const n = fs.readSync(held, viaOldInode, 0, 4096, 0);
  fs.closeSync(held);
  assert.match(viaOldInode.subarray(0, n).toString(), /^10\.2\.1\.1\tc1$/m);
  assert.equal(fs.readFileSync(file, 'utf8'), viaOldInode.subarray(0, n).toString());
  fs.rmSync(dir, { recursive: true });
});

test('a file that already holds the right text is left alone (a resync writes nothing)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-'));
  const file = path.join(dir, 'hosts');
  const entries = { hostname: 'c1', addresses: ['10.2.1.1'], extraHosts: [] };
  fs.writeFileSync(file, '172.17.0.2\tc1\n');
  assert.equal(await rewriteHostsFile(file, entries), true);
  const inode = fs.statSync(file).ino;
  const mtime = fs.statSync(file).mtimeMs;
  assert.equal(await rewriteHostsFile(file, entries), false);
  assert.equal(fs.statSync(file).ino, inode, 'not unlinked again');
  assert.equal(fs.statSync(file).mtimeMs, mtime, 'not written again');
  // Docker rewrote it (a restart): it differs again, so it is written again.
  fs.writeFileSync(file, '172.17.0.3\tc1\n');
  assert.equal(await rewriteHostsFile(file, entries), true);
  assert.match(fs.readFileSync(file, 'utf8'), /^10\.2\.1\.1\tc1$/m);
  fs.rmSync(dir, { recursive: true });
});
