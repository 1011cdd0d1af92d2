import * as fs from 'node:fs';
import { pidAlive, run, runQuietly } from './exec';

/** Every namespace of the harness is named `wpmh<pid>-<role>`: a sweep can tell whose it was. */
export const NETNS_PREFIX = 'wpmh';

export const netnsName = (role: string, pid = process.pid): string => `${NETNS_PREFIX}${pid}-${role}`;

/** Creates a network namespace with its loopback up. */
export async function addNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'add', name]);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/**
 * Deletes a namespace. Its veth ends go with it (and so their peers in other namespaces); a process
 * still inside keeps the namespace alive but unnamed, so callers stop their processes first.
 */
export async function delNetns(name: string): Promise<void> {
  await runQuietly('ip', ['netns', 'del', name]);
}

/** The harness namespaces left by test processes that are gone (a run killed before its teardown). */
export function staleNetns(): string[] {
  const names = fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : [];
  return names.filter((n) => {
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-`).exec(n);
    return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
  });
}
