import { dockerOk, spawnDocker, waitForOutput } from '../../support/docker.cli';
import { uniqueName } from '../../support/names';
import { ProxyHandle } from '../../support/proxy.harness';
import { httpRequest, rawExchange } from './raw.socket';

const MB = 1024 * 1024;

/** `docker logs -f` killed while lines still stream. */
async function killedLogsFollow(): Promise<void> {
  const name = uniqueName('hostile-logs');
  await dockerOk(['run', '-d', '--name', name, 'busybox:local', 'sh', '-c', 'while :; do echo tick; sleep 0.1; done']);
  const follow = spawnDocker(['logs', '-f', name]);
  await waitForOutput(follow, /tick\n/);
  follow.kill('SIGKILL');
}

/** `docker run -i ... cat` killed in the middle of its stdin: a hijacked stream torn down. */
async function killedAttach(): Promise<void> {
  const run = spawnDocker(['run', '-i', '--rm', '--name', uniqueName('hostile-cat'), 'busybox:local', 'cat']);
  run.stdin!.on('error', () => undefined);
  run.stdin!.write(Buffer.alloc(MB, 0x61));
  await waitForOutput(run, /a/);
  run.kill('SIGKILL');
}

/** An archive upload of a declared 64 MiB that stops after 4 MiB: the client just goes away. */
async function abandonedUpload(proxy: ProxyHandle): Promise<void> {
  const name = uniqueName('hostile-upload');
  await dockerOk(['create', '--name', name, 'busybox:local', 'true']);
  const head = httpRequest('PUT', `/containers/${name}/archive?path=/tmp`, undefined, {
    'Content-Length': String(64 * MB),
    'Content-Type': 'application/x-tar',
  });
  await rawExchange(proxy.port, [head, Buffer.alloc(4 * MB)], 1_000);
}

/** A create whose body stops halfway, then the connection drops (intercepted route). */
async function halfCreate(proxy: ProxyHandle): Promise<void> {
  const head = httpRequest('POST', '/containers/create', undefined, { 'Content-Length': '1000', 'Content-Type': 'application/json' });
  await rawExchange(proxy.port, [head, '{"Image":"busy'], 500);
}

/** Every kind of abrupt disconnect, each several times. */
export async function disconnectMidStream(proxy: ProxyHandle): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await killedLogsFollow();
    await killedAttach();
    await abandonedUpload(proxy);
    await halfCreate(proxy);
  }
}
