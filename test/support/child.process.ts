import { ChildProcess } from 'node:child_process';

/**
 * Stops a child the test started (a dockerd, haproxy, dnsmasq): SIGTERM, then SIGKILL after
 * `killAfterMs`; resolves once it has exited (at once if it already had).
 */
export function terminate(child: ChildProcess, killAfterMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
