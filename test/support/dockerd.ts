import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { repoRoot } from './proxy.harness';
import { waitFor } from './wait';

const run = promisify(execFile);

/** The running dockerd's pid: from its pid file, else the first process named dockerd. */
export function dockerdPid(): number {
  const fromFile = Number(readOr('/var/run/docker.pid', '').trim());
  if (fromFile > 0 && readOr(`/proc/${fromFile}/comm`, '').trim() === 'dockerd') return fromFile;
  for (const entry of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && readOr(`/proc/${entry}/comm`, '').trim() === 'dockerd') {
      return Number(entry);
    }
  }
  throw new Error('dockerd is not running');
}

/** What each of a process's file descriptors points at (`socket:[123]`, a path, ...). */
export function fdTargets(pid: number): string[] {
  const targets: string[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.push(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed between readdir and readlink
    }
  }
  return targets;
}

/**
 * dockerd's open sockets: its listening socket, its containerd connections (both steady) and one
 * per client connection; so a change in this count is a change in client connections.
 */
export function dockerdSocketCount(pid = dockerdPid()): number {
  return fdTargets(pid).filter((t) => t.startsWith('socket:')).length;
}

/** How many of dockerd's file descriptors have `file` open. */
export function dockerdOpenCount(file: string, pid = dockerdPid()): number {
  return fdTargets(pid).filter((t) => t === file).length;
}

/** Stops dockerd with SIGTERM and waits (up to 60 s) until the process is gone. */
export async function stopDockerd(): Promise<void> {
  const pid = dockerdPid();
  const children = childPids(pid);
  process.kill(pid, 'SIGTERM');
  await waitFor('dockerd to exit', () => (fs.existsSync(`/proc/${pid}`) ? undefined : true), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  // Its containerd child must be gone too, so the next start finds no leftovers.
  await waitFor(`dockerd's children (${children.join(', ')}) to exit`, () => (children.some((c) => fs.existsSync(`/proc/${c}`)) ? undefined : true), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

/** The pids of a process's children (over all its threads), from /proc. */
function childPids(pid: number): number[] {
  const tasks = fs.existsSync(`/proc/${pid}/task`) ? fs.readdirSync(`/proc/${pid}/task`) : [];
  return tasks.flatMap((tid) => readOr(`/proc/${pid}/task/${tid}/children`, '').split(/\s+/).filter(Boolean).map(Number));
}

/** Starts dockerd exactly as test/setup.sh does, and waits until it answers. */
export async function startDockerd(): Promise<void> {
  await run('sh', ['test/setup.sh', 'dockerd'], { cwd: repoRoot(), timeout: 60_000 });
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
