import { execFile } from 'node:child_process';

/**
 * Runs a command (no shell) and answers its stdout; rejects with the command line and its stderr.
 * The multi-host harness drives iproute2 and nsenter with it.
 */
export function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message.trim()} ${String(stderr).trim()}`));
      else resolve(String(stdout));
    });
  });
}

/** The same, ignoring failure (teardown of things that may already be gone). */
export async function runQuietly(cmd: string, args: string[]): Promise<void> {
  await run(cmd, args).catch(() => undefined);
}

/** `/var/run/netns/<name>`: the file `ip netns add` bind-mounts the namespace on. */
export const netnsPath = (name: string): string => `/var/run/netns/${name}`;

/**
 * The prefix that runs a command in the network namespace `name` and nothing else: `nsenter --net`.
 * Not `ip netns exec`, which also unshares the mount namespace and remounts /sys (a dockerd under it
 * no longer sees the host's cgroup mounts).
 */
export const inNetns = (name: string): string[] => ['nsenter', `--net=${netnsPath(name)}`, '--'];

/** Runs `cmd args` inside the network namespace `name`. */
export const runIn = (name: string, cmd: string, args: string[], timeoutMs?: number): Promise<string> =>
  run('nsenter', [`--net=${netnsPath(name)}`, '--', cmd, ...args], timeoutMs);

/** Whether a process with that id exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
