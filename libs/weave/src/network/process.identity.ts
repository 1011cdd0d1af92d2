import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Who a PID is right now: its start time (field 22 of /proc/<pid>/stat, clock ticks since boot),
 * which together with the PID names one process for the life of the machine, and its cgroup file.
 * Undefined when there is no such process.
 */
export interface ProcessIdentity {
  startTime: string;
  cgroup: string;
}

export async function readIdentity(procRoot: string, pid: number): Promise<ProcessIdentity | undefined> {
  try {
    const stat = await fs.readFile(path.join(procRoot, String(pid), 'stat'), 'utf8');
    const cgroup = await fs.readFile(path.join(procRoot, String(pid), 'cgroup'), 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { startTime: fields[22 - 3] ?? '', cgroup };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw err;
  }
}

const CONTAINER_ID = /[0-9a-f]{64}/g;

/**
 * Whether the cgroup file places the process in container `containerId`. Docker's cgroup paths
 * (`/docker/<id>`, `docker-<id>.scope`) name the id; a path naming only other ids is another
 * container's process. A path naming no id at all (the proxy in its own cgroup namespace) cannot
 * tell: the start time check is then what stands.
 */
export function cgroupMatches(cgroup: string, containerId: string): boolean {
  const ids: string[] = cgroup.match(CONTAINER_ID) ?? [];
  return ids.length === 0 || ids.includes(containerId);
}
