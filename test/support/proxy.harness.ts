import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { setDefaultDockerHost } from './docker.cli';
import { removeRunContainers } from './names';
import { DOCKER_SOCKET_URL, endpointOf, RawResponse, rawRequest } from './http.client';
import { sleep } from './wait';

export interface ProxyHandle {
  port: number;
  /** The proxy as a Docker host URL: `tcp://127.0.0.1:<port>`. */
  url: string;
  /** Undefined when WPT_PROXY_URL named a proxy (or dockerd) that the harness did not start. */
  process: ChildProcess | undefined;
  /** Everything the proxy printed so far (the last MiB), for failure messages. */
  logs(): string;
  /** Signals the proxy and answers its exit code (null if it had to be killed after 10 s). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ProxyOptions {
  /** The daemon (`-H`); default dockerd's socket. */
  dockerHost?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for /_weave/healthz; default 15 s. */
  readyTimeoutMs?: number;
  /** Asks GET /_weave/healthz of the proxy at `url` (e.g. over TLS); default plain HTTP. */
  healthCheck?: (url: string) => Promise<RawResponse>;
  /**
   * Start the proxy WITHOUT `-L`, on its default listener, and reach it at this URL (e.g.
   * `tcp://127.0.0.1:12375`). Default: `-L tcp://127.0.0.1:<free port>`.
   */
  defaultListener?: string;
  /** Where the proxy listens (`-L`, e.g. `unix:///...`); default a free port on 127.0.0.1. */
  listen?: string;
  /** A command prefix to run the proxy under, e.g. `nsenter --net=/var/run/netns/x --`. */
  wrapper?: string[];
}

const LOG_LIMIT = 1 << 20;

/** The repository root: the nearest directory above this file that holds package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built proxy (`dist/apps/proxy/src/main.js launch-proxy`) listening on a free loopback
 * port in front of dockerd, and waits until `GET /_weave/healthz` answers 200. Rejects with the
 * proxy's output if it exits or is not healthy in time. Also makes the proxy the default host of
 * `docker()`.
 *
 * With WPT_PROXY_URL=<docker host URL> in the environment nothing is started and the handle points
 * there: a proxy started by hand (to debug it), or dockerd itself (unix:///var/run/docker.sock) to
 * check the tests themselves against the real daemon.
 */
export async function startProxy(args: string[] = [], opts: ProxyOptions = {}): Promise<ProxyHandle> {
  const external = process.env.WPT_PROXY_URL;
  if (external) return externalHandle(external);
  const url = opts.defaultListener ?? opts.listen ?? `tcp://127.0.0.1:${await freePort()}`;
  const port = endpointOf(url).port ?? 0;
  const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
  const listen = opts.defaultListener ? [] : ['-L', url];
  const argv = [main, 'launch-proxy', ...listen, '-H', opts.dockerHost ?? DOCKER_SOCKET_URL, ...args];
  const [cmd, ...pre] = [...(opts.wrapper ?? []), process.execPath];
  const child = spawn(cmd, [...pre, ...argv], {
    cwd: repoRoot(),
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk: Buffer): void => {
    log += chunk.toString();
    if (log.length > 2 * LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const handle: ProxyHandle = {
    port,
    url,
    process: child,
    logs: () => log,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 10_000)));
      const code = await Promise.race([exit, timeout]);
      clearTimeout(timer);
      if (code !== 'timeout') return code;
      child.kill('SIGKILL');
      await exit;
      return null;
    },
  };
  try {
    await waitHealthy(handle, opts.readyTimeoutMs ?? 15_000, opts.healthCheck);
  } catch (err) {
    await handle.stop('SIGKILL');
    throw new Error(`proxy did not become healthy: ${(err as Error).message}\n${argv.join(' ')}\n${log}`);
  }
  setDefaultDockerHost(url);
  return handle;
}

const plainHealthCheck = (url: string): Promise<RawResponse> =>
  rawRequest(url, 'GET', '/_weave/healthz', { timeoutMs: 2_000 });

async function waitHealthy(handle: ProxyHandle, timeoutMs: number, check = plainHealthCheck): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const child = handle.process!;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const res = await check(handle.url);
      if (res.status === 200) return;
      last = `${res.status} ${res.body.toString().slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`GET /_weave/healthz within ${timeoutMs} ms: ${last}`);
}

function externalHandle(url: string): ProxyHandle {
  setDefaultDockerHost(url);
  const { port } = endpointOf(url);
  return {
    port: port ?? 0,
    url,
    process: undefined,
    logs: () => `(WPT_PROXY_URL=${url}: not started by the tests, no logs)`,
    stop: async () => 0,
  };
}

/**
 * Starts a proxy before the enclosing `describe`'s tests and stops it (and removes the run's
 * containers) after them; the returned getter gives the running handle.
 */
export function useProxy(args: string[] = [], opts: ProxyOptions = {}): () => ProxyHandle {
  let proxy: ProxyHandle | undefined;
  before(async () => {
    proxy = await startProxy(args, opts);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
  });
  return () => {
    if (!proxy) throw new Error('useProxy: the proxy is not started yet (use it inside a test)');
    return proxy;
  };
}
