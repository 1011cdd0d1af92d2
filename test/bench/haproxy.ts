import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/proxy.harness';
import { sleep } from '../support/wait';
import { terminate } from '../support/child.process';

const HAPROXY = '/usr/sbin/haproxy';
const DOCKER_SOCKET = '/var/run/docker.sock';

/** A running HAProxy (`mode tcp`) relaying a loopback port to dockerd's unix socket. */
export interface HaproxyHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The reference relay of the benchmark: HAProxy in `mode tcp` (each client connection tied to one
 * dockerd connection, bytes relayed without parsing), single-threaded like Node, on 127.0.0.1.
 * Answers undefined when HAProxy is not installed (the bench's setup installs Debian's `haproxy`;
 * it is never a test dependency).
 */
export async function startHaproxy(): Promise<HaproxyHandle | undefined> {
  if (spawnSync(HAPROXY, ['-v']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wpx-bench-haproxy-'));
  const port = await freePort();
  writeFileSync(join(dir, 'haproxy.cfg'), config(port));
  const child = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  child.on('error', () => undefined);
  const stop = async (): Promise<void> => {
    await terminate(child, 5000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitListening(port, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `tcp://127.0.0.1:${port}`, pid: child.pid!, stop };
}

/** Long tunnel timeouts: `logs -f`-like streams and slow stdin must not be cut during a round. */
function config(port: number): string {
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 10m',
    '  timeout server 10m',
    '  timeout client-fin 10m',
    '  timeout server-fin 10m',
    'listen docker',
    `  bind 127.0.0.1:${port}`,
    `  server dockerd unix@${DOCKER_SOCKET}`,
    '',
  ].join('\n');
}

async function waitListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`haproxy does not listen on 127.0.0.1:${port} after 5 s`);
}

