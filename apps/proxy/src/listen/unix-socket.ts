import * as fs from 'node:fs';
import * as net from 'node:net';
import { ERRORS, InvalidInputError } from '@app/common';

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Makes `path` free for a new unix listener. A socket file nobody listens on (a proxy that died)
 * is removed; a live socket (another running proxy) or anything that is not a socket is left
 * alone and the start is refused, naming the path.
 */
export async function clearStaleSocket(path: string): Promise<void> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return;
  }
  if (!st.isSocket()) throw inUse(path, 'it exists and is not a socket');
  if (await isListening(path)) throw inUse(path, 'another process is listening on it (a running proxy?)');
  fs.rmSync(path, { force: true });
}

/** Connect test: refused (or gone) means stale; anything else is treated as live. */
function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    const done = (live: boolean) => {
      socket.destroy();
      resolve(live);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'));
  });
}

function inUse(path: string, reason: string): InvalidInputError {
  return new InvalidInputError(ERRORS.WPX_LISTEN_IN_USE, `cannot listen on unix://${path}: ${reason}`);
}
