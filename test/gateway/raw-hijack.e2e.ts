// Issue 12, input 2: dockerd hijacks exec start and attach even without `Connection: Upgrade`
// (plain HTTP clients), answering `200 OK` with a raw stream; `Upgrade: tcp` alone gets a 101.
// Through the proxy the bytes must be dockerd's own (no chunking) and stdin must reach the
// container. Every answer is compared with the one straight from dockerd.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, test } from 'node:test';
import { DOCKER_SOCKET_URL, dockerApi, endpointOf } from '../support/http.client';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';

const MARKER_FRAME = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0x0b]), Buffer.from('raw-marker\n')]);

/** Whether the answer head is in, and `after` bytes of the stream behind it. */
const streamHas = (after: number) => (got: Buffer): boolean => {
  const i = got.indexOf('\r\n\r\n');
  return i >= 0 && got.length >= i + 4 + after;
};

/**
 * One request on its own connection; once `ready` says so (by default: dockerd's answer head is
 * in), `onHead` runs, then `stdin` is written and the connection half-closed. Answers every byte
 * received.
 */
function rawSession(
  hostUrl: string,
  request: string,
  stdin: string,
  onHead: () => Promise<unknown> = async () => {},
  ready: (got: Buffer) => boolean = streamHas(0),
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { socketPath, host, port } = endpointOf(hostUrl);
    const s = socketPath ? net.connect({ path: socketPath, allowHalfOpen: true }) : net.connect({ host, port: port!, allowHalfOpen: true });
    let got = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      const had = ready(got);
      got = Buffer.concat([got, c]);
      if (!had && ready(got)) onHead().then(() => s.end(stdin), reject);
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write(request);
  });
}

function post(path: string, body: string, extra = ''): string {
  return `POST /v1.41${path} HTTP/1.1\r\nHost: docker\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function splitAnswer(raw: Buffer): { head: string; stream: Buffer } {
  const i = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, i + 4).toString('latin1'), stream: raw.subarray(i + 4) };
}

async function runningContainer(): Promise<string> {
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${uniqueName('rawx')}`, {
    Image: 'busybox:local',
    Cmd: ['sleep', '600'],
  });
  await dockerApi('POST', `/containers/${Id}/start`);
  return Id;
}

/** exec start without Upgrade: `echo raw-marker`, then whatever stdin brings (cat). */
async function execSession(hostUrl: string, container: string, upgrade: string): Promise<Buffer> {
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/${container}/exec`, {
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Cmd: ['sh', '-c', 'echo raw-marker; cat'],
  });
  // stdin only once the marker's frame is in: written earlier, `abc` can reach cat before dockerd
  // reads `raw-marker\n` from the pipe, and dockerd then sends both in one frame (it frames what
  // each read of the pipe returns), direct as through the proxy.
  const request = post(`/exec/${Id}/start`, '{"Detach":false,"Tty":false}', upgrade);
  return rawSession(hostUrl, request, 'abc', undefined, streamHas(MARKER_FRAME.length));
}

async function catContainer(): Promise<string> {
  const body = { Image: 'busybox:local', Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true };
  return (await dockerApi<{ Id: string }>('POST', `/containers/create?name=${uniqueName('rawa')}`, body)).Id;
}

/** attach without Upgrade before the start, then `abc` as stdin: cat echoes it and exits. */
async function attachSession(hostUrl: string): Promise<Buffer> {
  const id = await catContainer();
  try {
    const request = post(`/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`, '');
    return await rawSession(hostUrl, request, 'abc', () => dockerApi('POST', `/containers/${id}/start`));
  } finally {
    await dockerApi('DELETE', `/containers/${id}?force=1`);
  }
}

const frame = (s: string) => Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, s.length]), Buffer.from(s)]);

/**
 * exec start of `cat` without Upgrade, with `early` in the same write as the request (before
 * dockerd's answer); once cat's echo of it is back, `late`, then the half-close.
 */
async function earlyStdinSession(hostUrl: string, container: string, early: string): Promise<Buffer> {
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/${container}/exec`, {
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Cmd: ['cat'],
  });
  const request = post(`/exec/${Id}/start`, '{"Detach":false,"Tty":false}') + early;
  return rawSession(hostUrl, request, 'late\n', undefined, streamHas(frame(early).length));
}

describe('gateway: hijacks without Upgrade (issue 12 input 2)', () => {
  const proxy = useProxy();

  for (const [label, upgrade, status] of [
    ['no Upgrade header', '', '200 OK'],
    ['Upgrade: tcp without Connection: Upgrade', 'Upgrade: tcp\r\n', '101 UPGRADED'],
  ] as const) {
    test(`exec start, ${label}: dockerd's raw frames byte for byte, stdin reaches the process (10 runs)`, { timeout: 120_000 }, async () => {
      const container = await runningContainer();
      try {
        const direct = splitAnswer(await execSession(DOCKER_SOCKET_URL, container, upgrade));
        assert.ok(direct.head.startsWith(`HTTP/1.1 ${status}\r\n`), direct.head);
        for (let i = 0; i < 10; i++) {
          const got = splitAnswer(await execSession(proxy().url, container, upgrade));
          assert.equal(got.head, direct.head, `run ${i}: the answer head is dockerd's`);
          assert.doesNotMatch(got.head, /transfer-encoding/i);
          assert.deepEqual(got.stream, Buffer.concat([MARKER_FRAME, frame('abc')]), `run ${i}`);
        }
      } finally {
        await dockerApi('DELETE', `/containers/${container}?force=1`);
      }
    });
  }

  // dockerd itself drops such stdin (moby's HijackConnection discards what its HTTP reader had
  // buffered); through the proxy it used to be parsed as the next request: `400 Bad Request`, and
  // the stream was gone. It now reaches the process, as stdin sent after the answer does.
  test('exec start without Upgrade, stdin in the same write as the request: the stream survives, stdin reaches cat (9 runs)', { timeout: 120_000 }, async () => {
    const container = await runningContainer();
    try {
      const direct = splitAnswer(await execSession(DOCKER_SOCKET_URL, container, ''));
      for (const [i, early] of ['early-stdin\n', 'Hello\n', 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n'].flatMap((e) => [e, e, e]).entries()) {
        const got = splitAnswer(await earlyStdinSession(proxy().url, container, early));
        assert.equal(got.head, direct.head, `run ${i}: the answer head is dockerd's`);
        assert.deepEqual(got.stream, Buffer.concat([frame(early), frame('late\n')]), `run ${i}`);
      }
    } finally {
      await dockerApi('DELETE', `/containers/${container}?force=1`);
    }
  });

  test('attach without Upgrade: raw stream as from dockerd, stdin reaches the container (5 runs)', { timeout: 120_000 }, async () => {
    const direct = splitAnswer(await attachSession(DOCKER_SOCKET_URL));
    assert.match(direct.head, /^HTTP\/1\.1 200 OK\r\nContent-Type: application\/vnd\.docker\.raw-stream\r\n/);
    for (let i = 0; i < 5; i++) {
      const got = splitAnswer(await attachSession(proxy().url));
      assert.equal(got.head, direct.head, `run ${i}`);
      assert.deepEqual(got.stream, frame('abc'), `run ${i}`);
    }
  });
});
