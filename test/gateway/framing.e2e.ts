// Issue 12: the relay's framing is dockerd's framing. Raw sockets where the docker CLI cannot
// produce the input, the CLI where it can; every answer compared with dockerd's own.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, test } from 'node:test';
import { docker, describeResult } from '../support/docker.cli';
import { DOCKER_SOCKET_URL, dockerApi, endpointOf, rawRequest } from '../support/http.client';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';

const BODY = JSON.stringify({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });

/** The payloads of a multiplexed (non-tty) attach stream, concatenated. */
function demux(raw: Buffer): string {
  let out = '';
  for (let i = 0; i + 8 <= raw.length; ) {
    const n = raw.readUInt32BE(i + 4);
    out += raw.subarray(i + 8, i + 8 + n).toString();
    i += 8 + n;
  }
  return out;
}

/**
 * What dockerode 4 does on `attach({hijack: true})`: head and JSON body in one write, `abc`
 * once the 101 is in, then half-close; answers the container's demultiplexed output.
 */
function hijackedAttach(hostUrl: string, id: string, chunked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const { socketPath, host, port } = endpointOf(hostUrl);
    const s = socketPath ? net.connect({ path: socketPath, allowHalfOpen: true }) : net.connect({ host, port: port!, allowHalfOpen: true });
    const framing = chunked
      ? `Transfer-Encoding: chunked\r\n\r\n${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\n\r\n`
      : `Content-Length: ${BODY.length}\r\n\r\n${BODY}`;
    s.write(
      `POST /v1.41/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\n` +
        `Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\n${framing}`,
    );
    let raw = Buffer.alloc(0);
    let headEnd = -1;
    s.on('data', (c: Buffer) => {
      raw = Buffer.concat([raw, c]);
      if (headEnd >= 0) return;
      headEnd = raw.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      if (!raw.subarray(0, 13).equals(Buffer.from('HTTP/1.1 101 '))) return reject(new Error(raw.toString()));
      dockerApi('POST', `/containers/${id}/start`).then(() => s.end('abc'), reject);
    });
    s.on('error', reject);
    s.on('close', () => resolve(demux(raw.subarray(headEnd + 4))));
  });
}

async function catContainer(): Promise<string> {
  const body = { Image: 'busybox:local', Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true };
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${uniqueName('hj')}`, body);
  return Id;
}

async function hijackedOpen(url: string): Promise<number> {
  const res = await rawRequest(url, 'GET', '/_weave/metrics');
  return Number(/^weave_proxy_hijacked_streams_open (\d+)/m.exec(res.body.toString())?.[1] ?? NaN);
}

describe('gateway: byte-exact framing (issue 12)', () => {
  const proxy = useProxy();

  for (const chunked of [false, true]) {
    test(`input 1: a hijack request's ${chunked ? 'chunked' : 'Content-Length'} body never reaches stdin (50 runs)`, { timeout: 240_000 }, async () => {
      for (let i = 0; i < 50; i++) {
        const id = await catContainer();
        try {
          assert.equal(await hijackedAttach(proxy().url, id, chunked), 'abc', `run ${i}`);
        } finally {
          await dockerApi('DELETE', `/containers/${id}?force=1`);
        }
      }
    });
  }

  test('input 1, control: straight to dockerd the output is abc', { timeout: 60_000 }, async () => {
    const id = await catContainer();
    try {
      assert.equal(await hijackedAttach(DOCKER_SOCKET_URL, id, false), 'abc');
    } finally {
      await dockerApi('DELETE', `/containers/${id}?force=1`);
    }
  });

  test('input 3: docker ps with a 20,000-character filter answers as dockerd does', { timeout: 60_000 }, async () => {
    const args = ['ps', '-a', '--filter', `label=x=${'y'.repeat(20_000)}`];
    const viaProxy = await docker(args, { timeoutMs: 30_000 });
    const direct = await docker(args, { host: DOCKER_SOCKET_URL, timeoutMs: 30_000 });
    assert.equal(viaProxy.code, 0, describeResult(args, viaProxy));
    assert.equal(viaProxy.stdout.toString(), direct.stdout.toString());
  });

  test('input 5: clients that leave before the proxy reached dockerd leak no stream (20 runs)', { timeout: 60_000 }, async () => {
    const before = await hijackedOpen(proxy().url);
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ host: '127.0.0.1', port: proxy().port });
      s.on('error', () => undefined);
      s.write('POST /v1.41/containers/nope/attach?stream=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n', () => s.destroy());
    }
    await waitFor('the gauge back to its value before', async () => ((await hijackedOpen(proxy().url)) === before ? true : undefined), {
      timeoutMs: 20_000,
    });
  });
});
