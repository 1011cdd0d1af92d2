import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file, in the state dir, that holds this host's peer id. */
export const HOST_ID_FILE = 'peer-id';
const HOST_ID = /^[0-9a-f]{32}$/;

/**
 * This host's stable peer id: 32 hex digits (128 random bits), generated the first time and kept
 * in `<stateDir>/peer-id`, so that it survives restarts and two hosts with the same hostname (cloned
 * VMs, namespaces on one machine) still differ. Concurrent first starts agree: the id is written to
 * a temp file and hard-linked into place, which fails if another process linked first, and then the
 * winner's id is read. Throws (naming the path) when the state dir cannot be written or the file
 * holds something else than an id (a hand-edited or truncated file is not silently replaced: the
 * id is this host's identity in the shared store).
 */
export function loadOrCreateHostId(stateDir: string): string {
  const file = path.join(stateDir, HOST_ID_FILE);
  const existing = readId(file);
  if (existing !== undefined) return existing;
  fs.mkdirSync(stateDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, `${randomBytes(16).toString('hex')}\n`, { mode: 0o644 });
  try {
    fs.linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readId(file)!;
}

function readId(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const id = text.trim();
  if (!HOST_ID.test(id)) throw new Error(`${file} does not hold a peer id (32 hex digits): ${JSON.stringify(text.slice(0, 40))}`);
  return id;
}
