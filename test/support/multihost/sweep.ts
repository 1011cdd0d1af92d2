import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidAlive, run, runQuietly } from './exec';
import { NETNS_PREFIX, delNetns, staleNetns } from './netns';

/**
 * Removes what an earlier harness run left when it was killed before its teardown: the processes
 * still inside its namespaces (its dockerd, containerd, etcd, proxies: all started by the harness),
 * the namespaces, and its temp dirs. Only names `wpmh<pid>-*` of pids that are gone.
 */
export async function sweepStale(): Promise<void> {
  for (const ns of staleNetns()) {
    const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => '')).split(/\s+/).filter(Boolean);
    for (const pid of pids) await runQuietly('kill', ['-KILL', pid]);
    await delNetns(ns);
  }
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-`).exec(entry);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    await unmountUnder(path.join(os.tmpdir(), entry));
    fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A killed dockerd leaves its overlay and shm mounts under its data and exec roots. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]);
  const under = mounts.filter((m) => m?.startsWith(dir + '/')).sort().reverse();
  for (const m of under) await runQuietly('umount', ['-l', m]);
}
