// Crash-looping containers (issue 14, item 7): `--restart=always` containers whose process looks
// at its network, prints what it saw and exits 1 at once, so that dockerd restarts them (with its
// own backoff: 100 ms doubling up to 1 min, reset after 10 s of running; moby's restartmanager).
// Shared by test/controller/crash-loop.e2e.ts (CI-sized) and crash-loop.soak.ts (200 restarts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dockerDirect, dockerOk } from './docker.cli';
import { waitFor } from './wait';

const run = promisify(execFile);

/**
 * Each run prints one line, `run <carrier> <state> <inet A/P ...>`, as its process saw ethwe
 * when it started (after /w/w let it run), then exits 1.
 */
const PROBE =
  'echo "run $(cat /sys/class/net/ethwe/carrier 2>/dev/null || echo none)' +
  ' $(cat /sys/class/net/ethwe/operstate 2>/dev/null || echo none)' +
  ' $(ip -4 -o addr show dev ethwe 2>/dev/null | grep -o "inet [0-9./]*")"; exit 1';

/**
 * Starts `names`, `concurrency` at a time, through `host` (default: the proxy, docker()'s default
 * host; straight to dockerd, WEAVE_CIDR means nothing and each run prints `run none none`).
 */
export async function startCrashLoop(names: string[], cidrOf: (i: number) => string, concurrency: number, host?: string): Promise<void> {
  for (let i = 0; i < names.length; i += concurrency) {
    await Promise.all(
      names.slice(i, i + concurrency).map((n, j) =>
        dockerOk(['run', '-d', '--restart=always', '--name', n, '-e', `WEAVE_CIDR=${cidrOf(i + j)}`, 'busybox:local', 'sh', '-c', PROBE], { host }),
      ),
    );
  }
}

/**
 * Restarts so far, summed over `names`, from dockerd's RestartCount. (Not from `docker events
 * --since`: dockerd replays only its last 256 events of every kind, and each restart makes four
 * (die, network disconnect and connect, start), so a count over a busy loop stops growing.)
 */
export async function restartCount(names: string[]): Promise<number> {
  const r = await dockerDirect(['inspect', '-f', '{{.RestartCount}}', ...names], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`docker inspect: ${r.stderr}`);
  return r.stdout.toString().split('\n').filter(Boolean).reduce((sum, n) => sum + Number(n), 0);
}

/**
 * Ends the loop without removing the containers: the restart policy becomes `no`, so each one
 * stops after its current (or pending) run. Resolves once none of them runs or restarts.
 */
export async function stopCrashLoop(names: string[], timeoutMs: number): Promise<void> {
  let states = '';
  await waitFor('every crash-looping container to stop', async () => {
    // Again while any still has its policy: dockerd restores the old one when the update races an
    // exit (it fails to update the resources of a task that just ended).
    await dockerDirect(['update', '--restart=no', ...names], { timeoutMs: 60_000 });
    const format = '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}';
    const r = await dockerDirect(['inspect', '-f', format, ...names], { timeoutMs: 60_000 });
    states = r.stdout.toString();
    return states.split('\n').filter(Boolean).every((s) => s === 'exited no') ? true : undefined;
  }, { timeoutMs, intervalMs: 500, describe: () => states });
}

/**
 * What each run of a stopped crash-looping container saw (its stdout lines, one per run; /w/w's
 * own notices, e.g. after 10 s of waiting, go to stderr), and how many runs it had (RestartCount
 * also counts a restart whose start failed in dockerd, e.g. /w/w missing; then the loop ends).
 */
export async function runsOf(name: string): Promise<{ lines: string[]; runs: number }> {
  const logs = await dockerDirect(['logs', name], { timeoutMs: 30_000 });
  const lines = logs.stdout.toString().split('\n').filter(Boolean);
  const count = await dockerDirect(['inspect', '-f', '{{.RestartCount}}', name], { timeoutMs: 30_000 });
  return { lines, runs: Number(count.stdout.toString().trim()) + 1 };
}

/** `run 1 up inet <cidr>`: the line of a run that saw ethwe with carrier, up, with exactly `cidr`. */
export function attachedRun(cidr: string): string {
  return `run 1 up inet ${cidr}`;
}

/** vethwepl<pid>/vethwepg<pid> on the host, as [name, pid]. */
async function hostWeaveVeths(): Promise<Array<[string, string]>> {
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  return [...stdout.matchAll(/^\d+: (vethwep[lg](\d+))[@:]/gm)].map((m) => [m[1], m[2]]);
}

async function runningPids(): Promise<Set<string>> {
  const ids = (await dockerDirect(['ps', '-q'])).stdout.toString().split('\n').filter(Boolean);
  if (ids.length === 0) return new Set();
  const r = await dockerDirect(['inspect', '-f', '{{.State.Pid}}', ...ids], { timeoutMs: 60_000 });
  return new Set(r.stdout.toString().split('\n').filter((p) => p && p !== '0'));
}

/** vethwe* interfaces on the host whose process (the PID in the name) is no running container's. */
export async function strayVeths(): Promise<string[]> {
  const live = await runningPids();
  return (await hostWeaveVeths()).filter(([, pid]) => !live.has(pid)).map(([n]) => n);
}
