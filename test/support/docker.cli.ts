import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { DOCKER_SOCKET_URL } from './http.client';

export interface DockerResult {
  /** Exit code; null when the process was killed (by `timeoutMs` or a signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface DockerOptions {
  /** DOCKER_HOST for the CLI; default: the host set by `setDefaultDockerHost` (the last proxy). */
  host?: string;
  /** Written to the CLI's stdin, which is then closed; without it stdin is closed at once. */
  input?: Buffer | string;
  /** Kill (SIGKILL) the CLI after this long; default 120 s. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: NodeJS.ProcessEnv;
}

let defaultHost: string | undefined;

/** The DOCKER_HOST that `docker()` uses when none is given; the proxy harness sets it. */
export function setDefaultDockerHost(host: string): void {
  defaultHost = host;
}

/**
 * The caller's environment for the docker CLI pointed at `host`: without any DOCKER_* setting of
 * the caller (a developer's shell often exports DOCKER_HOST pointing at a proxy).
 */
export function dockerEnv(host: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('DOCKER_')) env[k] = v;
  }
  return { ...env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false', ...extra };
}

function resolveHost(host: string | undefined): string {
  const h = host ?? defaultHost;
  if (!h) throw new Error('docker(): no host given and no proxy started (setDefaultDockerHost)');
  return h;
}

/** Starts the docker CLI without waiting for it (for `events`, `logs -f`, ...). */
export function spawnDocker(args: string[], opts: DockerOptions & SpawnOptions = {}): ChildProcess {
  const { host, env, input: _input, timeoutMs: _timeoutMs, ...spawnOpts } = opts;
  return spawn('docker', args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...spawnOpts,
    env: dockerEnv(resolveHost(host), env),
  });
}

/** Runs the real docker CLI to its end; stdout is collected as a Buffer, whatever its size. */
export function docker(args: string[], opts: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawnDocker(args, opts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    // The CLI may exit before it has read all of stdin (an error): that is its answer, not ours.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** The same as `docker()`, against dockerd's own socket. */
export function dockerDirect(args: string[], opts: Omit<DockerOptions, 'host'> = {}): Promise<DockerResult> {
  return docker(args, { ...opts, host: DOCKER_SOCKET_URL });
}

/** Describes a result for an assertion message. */
export function describeResult(args: string[], r: DockerResult): string {
  const out = r.stdout.length > 2000 ? `${r.stdout.length} bytes` : JSON.stringify(r.stdout.toString());
  return `docker ${args.join(' ')} -> code ${r.code} signal ${r.signal}\nstdout: ${out}\nstderr: ${r.stderr}`;
}

/** Runs the CLI and throws (with its output) unless it exits 0; answers stdout as text. */
export async function dockerOk(args: string[], opts: DockerOptions = {}): Promise<string> {
  const r = await docker(args, opts);
  if (r.code !== 0) throw new Error(describeResult(args, r));
  return r.stdout.toString();
}

/**
 * Collects a spawned process's stdout and resolves once it matches `pattern`; rejects on timeout
 * or if the process ends first (with what it printed).
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const done = (fn: () => void): void => {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.stderr!.off('data', onErr);
      child.off('close', onClose);
      fn();
    };
    const onOut = (c: Buffer): void => {
      out += c.toString();
      if (pattern.test(out)) done(() => resolve(out));
    };
    const onErr = (c: Buffer): void => {
      err += c.toString();
    };
    const onClose = (code: number | null): void =>
      done(() => reject(new Error(`process ended (code ${code}) before ${pattern}: ${out}\n${err}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${out}\n${err}`))),
      timeoutMs,
    );
    child.stdout!.on('data', onOut);
    child.stderr!.on('data', onErr);
    child.on('close', onClose);
  });
}

/** Resolves with the exit code (or the signal name) once the process has ended. */
export function exited(child: ChildProcess, timeoutMs = 10_000): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    });
  });
}
