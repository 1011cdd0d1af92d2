import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { makeTempDir, removeDir } from './temp-dir';

export const ETCD_BINARY = '/usr/bin/etcd';

/** The reason to skip etcd tests, or false when the distribution's etcd is installed. */
export const etcdSkipReason: string | false = existsSync(ETCD_BINARY)
  ? false
  : `${ETCD_BINARY} is not installed (apt-get install etcd-server)`;

export interface EtcdServer {
  /** `http://127.0.0.1:<port>`, for `EtcdLeaseStore`. */
  readonly endpoint: string;
  /** `etcd://127.0.0.1:<port>`, for `IpamOptions.store`. */
  readonly storeUrl: string;
  stop(): Promise<void>;
}

/** Starts a single-member etcd on loopback with free ports and a temporary data dir; waits until healthy. */
export async function startEtcd(): Promise<EtcdServer> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = makeTempDir('etcd');
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(ETCD_BINARY, etcdArgs(client, peer, dataDir), { stdio: 'ignore' });
  const stop = async () => {
    await terminate(child);
    removeDir(dataDir);
  };
  try {
    await waitHealthy(client, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint: client, storeUrl: `etcd://127.0.0.1:${clientPort}`, stop };
}

function etcdArgs(client: string, peer: string, dataDir: string): string[] {
  return [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `default=${peer}`,
  ];
}

/** A loopback port nobody listens on (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(client: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}`);
    if (await isHealthy(client)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd at ${client} did not become healthy within 20 s`);
}

function isHealthy(client: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(`${client}/health`, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('"true"')));
    });
    request.on('error', () => resolve(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
