import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { docker, dockerDirect, dockerEnv } from './docker.cli';
import { DOCKER_SOCKET_URL, rawRequest } from './http.client';
import { ProxyHandle } from './proxy.harness';
import { sleep } from './wait';

const run = promisify(execFile);

/** A private state directory for one proxy (its embedded IPAM store lives there). */
export function makeStateDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `wpt-state-${label}-`));
}

export function removeStateDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The IPv4 addresses (`10.2.1.1/24`) on the container's ethwe, read directly on dockerd (so the
 * exec is not wrapped in /w/w and never waits); undefined when it has no ethwe or is not running.
 * `dockerHost`: another daemon than the machine's (a second dockerd).
 */
export async function ethweAddresses(container: string, dockerHost = DOCKER_SOCKET_URL): Promise<string[] | undefined> {
  const r = await docker(['exec', container, 'ip', '-4', '-o', 'addr', 'show', 'ethwe'], {
    host: dockerHost,
    timeoutMs: 5_000,
  });
  if (r.code !== 0) return undefined;
  return parseInet(r.stdout.toString());
}

/** `inet A/P` entries of `ip -4 -o addr` output. */
export function parseInet(text: string): string[] {
  return [...text.matchAll(/\binet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]);
}

/**
 * Polls (every 100 ms, directly on dockerd) until the container's ethwe carries exactly
 * `expected` (order ignored), or, with a function, until it answers true; answers how long it took.
 * Rejects after `timeoutMs` with what it saw last.
 */
export async function waitForEthwe(
  container: string,
  expected: string[] | ((addrs: string[]) => boolean),
  timeoutMs = 5_000,
): Promise<{ ms: number; addresses: string[] }> {
  const started = Date.now();
  const ok =
    typeof expected === 'function'
      ? expected
      : (a: string[]) => [...a].sort().join(' ') === [...expected].sort().join(' ');
  let last: string[] | undefined;
  for (;;) {
    last = await ethweAddresses(container);
    if (last && ok(last)) return { ms: Date.now() - started, addresses: last };
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `ethwe of ${container} is ${last ? JSON.stringify(last) : 'missing'} after ${timeoutMs} ms, ` +
          `expected ${typeof expected === 'function' ? 'a match' : JSON.stringify(expected)}`,
      );
    }
    await sleep(100);
  }
}

/** Host-side weave veths (`vethwepl<pid>`) present now. */
export async function hostWeaveVeths(): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  return [...stdout.matchAll(/^\d+: (vethwepl[^:@\s]+)/gm)].map((m) => m[1]);
}

/** One `docker inspect -f` value, directly on dockerd (trimmed); undefined if it does not exist. */
export async function inspectDirect(container: string, format: string): Promise<string | undefined> {
  const r = await dockerDirect(['inspect', '-f', format, container], { timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.toString().trim() : undefined;
}

/** Whether the container exists and runs (directly on dockerd). */
export async function isRunning(container: string): Promise<boolean> {
  return (await inspectDirect(container, '{{.State.Running}}')) === 'true';
}

/**
 * GET an admin endpoint of the proxy as JSON; undefined when the proxy does not have it (404),
 * so tests can use endpoints that are still being added and fall back to docker/ip otherwise.
 */
export async function adminGet<T>(proxy: ProxyHandle, route: string): Promise<T | undefined> {
  const res = await rawRequest(proxy.url, 'GET', route, { timeoutMs: 10_000 });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${route}: ${res.status} ${res.body.toString()}`);
  return JSON.parse(res.body.toString()) as T;
}

/** One entry of `GET /_weave/allocations`. */
export interface AllocationEntry {
  containerId: string;
  name?: string;
  address: string;
  prefixLength: number;
  host?: string;
  since?: string;
}

/** One entry of `GET /_weave/containers`. */
export interface ContainerEntry {
  id: string;
  name: string;
  ours: boolean;
  phase: string;
  addresses: string[];
  lastError?: string;
  lastReconcile?: string;
}

export interface PtyResult {
  code: number | null;
  /** Everything the terminal showed (CR LF line ends, the typed input echoed). */
  output: string;
}

/**
 * Runs the docker CLI under a pseudo-terminal (`script`), as a user at a terminal would, so that
 * `-ti` really gets a tty. `input` is typed into the terminal (then end of input).
 */
export function dockerPty(host: string, args: string[], input = '', timeoutMs = 30_000): Promise<PtyResult> {
  const command = ['docker', ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: dockerEnv(host),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\/.:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Proxies on this machine that this test process did not start (a developer's, another test
 * run's). Every proxy manages every container that carries the /w bind, so another proxy races
 * ours on the same containers: tests report them to explain failures they may cause.
 */
export function foreignProxies(): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    let stat: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('launch-proxy')) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) found.push(`pid ${entry}: ${cmdline}`);
  }
  return found;
}

/** A diagnostic line about foreign proxies (empty when there are none). */
export function foreignProxyNote(): string {
  const others = foreignProxies();
  return others.length === 0
    ? ''
    : `WARNING: ${others.length} other weave proxy process(es) on this machine also manage these containers ` +
        `and can race this test's proxy:\n  ${others.join('\n  ')}`;
}
