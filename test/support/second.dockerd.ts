import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { rawRequest } from './http.client';
import { sleep } from './wait';
import { terminate } from './child.process';
import { copyImages, removeAll } from './multihost/host.dockerd';

/**
 * A second, private dockerd on this machine: another "host" for multi-host tests (two proxies, each
 * in front of its own daemon, sharing one IPAM store). Its own bridge (`wptdd<pid>`, removed at
 * stop), no iptables rules, its own data and exec roots in a temp dir. Images are copied from the
 * main daemon (`docker save | docker load`), never pulled.
 *
 * Never `--bridge none`: a dockerd started with it deletes the interface `docker0` at start
 * (moby's removeDefaultBridgeInterface), which breaks the machine's own dockerd.
 */
const run = promisify(execFile);

export interface SecondDockerd {
  /** `unix:///tmp/.../docker.sock`, for `-H` and `docker({host})`. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startSecondDockerd(images: string[]): Promise<SecondDockerd> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-dd-'));
  const bridge = `wptdd${process.pid}`.slice(0, 15);
  await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
  const socket = path.join(root, 'docker.sock');
  const url = `unix://${socket}`;
  const child = spawn(
    'dockerd',
    [
      '-H', url,
      '--data-root', path.join(root, 'data'),
      '--exec-root', path.join(root, 'x'),
      '--pidfile', path.join(root, 'docker.pid'),
      '--bridge', bridge,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', fs.openSync(path.join(root, 'dockerd.log'), 'a'), fs.openSync(path.join(root, 'dockerd.log'), 'a')] },
  );
  const stop = async (): Promise<void> => {
    await removeAll(url).catch(() => undefined);
    await terminate(child);
    await run('ip', ['link', 'del', bridge]).catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitAnswering(url, child, root);
    await copyImages(images, url);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

async function waitAnswering(url: string, child: ChildProcess, root: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`second dockerd exited: ${fs.readFileSync(path.join(root, 'dockerd.log'), 'utf8').slice(-2000)}`);
    }
    const ok = await rawRequest(url, 'GET', '/_ping', { timeoutMs: 1_000 }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error('second dockerd did not answer within 30 s');
}



