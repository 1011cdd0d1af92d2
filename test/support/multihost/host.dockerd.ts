import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rawRequest } from '../http.client';
import { sleep } from '../wait';
import { inNetns } from './exec';
import { terminate } from '../child.process';

/**
 * A dockerd inside a host's network namespace, entered with `nsenter --net` only (the mount and
 * cgroup views stay the machine's). Everything of its own lives under `dir`: data root, exec root
 * (so it also starts its own containerd), pid file, socket, log. Its docker0 is the namespace's own;
 * `--bip` still differs per host so that addresses in logs say which host they came from.
 * `--iptables=false`: in a fresh namespace br_netfilter hands bridged frames to iptables, and
 * dockerd's FORWARD policy DROP would drop the weave bridge's traffic.
 */
export interface HostDockerd {
  /** `unix://<dir>/docker.sock` (reachable from any namespace: it is a file). */
  readonly url: string;
  readonly logPath: string;
  /** dockerd's process id (nsenter execs it, so it is the child's). */
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startHostDockerd(netns: string, dir: string, index: number): Promise<HostDockerd> {
  const socket = path.join(dir, 'docker.sock');
  const url = `unix://${socket}`;
  const logPath = path.join(dir, 'dockerd.log');
  const out = fs.openSync(logPath, 'a');
  const args = [
    'dockerd', '-H', url,
    '--data-root', path.join(dir, 'data'),
    '--exec-root', path.join(dir, 'x'),
    '--pidfile', path.join(dir, 'docker.pid'),
    '--bip', `172.31.${index}.1/24`,
    '--iptables=false', '--ip-masq=false',
  ];
  const [cmd, ...pre] = inNetns(netns);
  const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const stop = async (): Promise<void> => {
    await removeAll(url).catch(() => undefined);
    await terminate(child);
  };
  try {
    await waitAnswering(url, child, logPath);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, logPath, pid: child.pid!, stop };
}

async function waitAnswering(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`dockerd exited: ${fs.readFileSync(logPath, 'utf8').slice(-2000)}`);
    }
    const ok = await rawRequest(url, 'GET', '/_ping', { timeoutMs: 1_000 }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`dockerd at ${url} did not answer within 60 s: ${fs.readFileSync(logPath, 'utf8').slice(-2000)}`);
}

/** Copies images from the machine's dockerd: `docker save | docker -H <url> load`, never a pull. */
export function copyImages(images: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };
    const save = spawn('docker', ['save', ...images], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn('docker', ['load', '-q'], { env: { ...env, DOCKER_HOST: url }, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    save.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    load.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    save.stdout!.pipe(load.stdin!);
    load.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`copying ${images} to ${url}: ${err}`))));
  });
}

/** Force-removes every container of that daemon (a stopping daemon would wait 10 s for each). */
export async function removeAll(url: string): Promise<void> {
  const list = await rawRequest(url, 'GET', '/containers/json?all=1', { timeoutMs: 10_000 });
  const ids = (JSON.parse(list.body.toString()) as Array<{ Id: string }>).map((c) => c.Id);
  await Promise.all(ids.map((id) => rawRequest(url, 'DELETE', `/containers/${id}?force=1&v=1`, { timeoutMs: 20_000 })));
}

export { terminate };
