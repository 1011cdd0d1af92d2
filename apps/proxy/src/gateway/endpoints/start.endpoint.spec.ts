import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';
import pino from 'pino';
import { ERRORS, InvalidInputError } from '@app/common';
import { DockerApiError, DockerClient } from '@app/docker';
import { AttachDeadlineError } from '../../controller/attach.errors';
import { ShutDownError } from '../../controller/work.queue';
import { EndpointContext } from '../route.table';
import { ContainerStartEndpoint } from './start.endpoint';
import { startFailure } from './start.policy';

/** A response that records its status and body and resolves `done` when ended. */
class FakeResponse extends Writable {
  status = 0;
  body = '';
  headersSent = false;
  readonly done = new Promise<void>((r) => this.once('finish', r));
  writeHead(status: number): this {
    this.status = status;
    this.headersSent = true;
    return this;
  }
  flushHeaders(): void {}
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.body += chunk.toString();
    cb();
  }
}

/** Starts container c1 through the endpoint: dockerd answers `status`; the attach does `attached`. */
async function start(attached: () => Promise<void>, status = 204) {
  const killed: string[] = [];
  const docker = { kill: async (id: string) => void killed.push(id) } as unknown as DockerClient;
  let asked = 0;
  const endpoint = new ContainerStartEndpoint(docker, { attached: () => (asked++, attached()) });
  const upstream = Object.assign(Readable.from([]), { statusCode: status, statusMessage: '', rawHeaders: [], headers: {}, complete: true });
  const res = new FakeResponse();
  const proxy = {
    forward: (_req: unknown, r: ServerResponse, o: { onResponse: (u: IncomingMessage, r: ServerResponse) => Promise<void> }) =>
      void o.onResponse(upstream as unknown as IncomingMessage, r),
  };
  const ctx = { req: {}, res, params: ['c1'], query: new URLSearchParams(), proxy, log: pino({ level: 'silent' }) };
  await endpoint.handle(ctx as unknown as EndpointContext);
  await res.done;
  return { status: res.status, message: res.body ? (JSON.parse(res.body) as { message: string }).message : '', killed, asked };
}

describe('ContainerStartEndpoint: what a start answers and when it kills (issue 14 item 5)', () => {
  test('attached: dockerd\'s own answer, nothing killed', async () => {
    assert.deepEqual(await start(async () => undefined), { status: 204, message: '', killed: [], asked: 1 });
  });

  test('dockerd refused the start (304, 404, 500): relayed as is, no attach asked', async () => {
    for (const status of [304, 404, 500]) {
      const r = await start(async () => assert.fail('not asked'), status);
      assert.deepEqual({ status: r.status, killed: r.killed, asked: r.asked }, { status, killed: [], asked: 0 });
    }
  });

  const cases: Array<[string, Error, { status: number; kill: boolean; message: RegExp }]> = [
    ['a terminal error kills, naming the cause', new InvalidInputError(ERRORS.WPX_INVALID_WEAVE_CIDR, 'invalid WEAVE_CIDR "foo"'), { status: 500, kill: true, message: /^invalid WEAVE_CIDR "foo"$/ }],
    ['the deadline kills, saying so', new AttachDeadlineError('web', 20, new DockerApiError(500, 'injected')), { status: 500, kill: true, message: /^weave: container web was not attached within the 20s attach timeout; last error: injected$/ }],
    ['a shutdown kills nothing: the next proxy attaches it', new ShutDownError(), { status: 503, kill: false, message: /shutting down; the container will be attached when it is back/ }],
    ['dockerd\'s 404 for the container kills nothing', new DockerApiError(404, 'No such container: c1'), { status: 404, kill: false, message: /^No such container: c1$/ }],
    ['an unexpected error kills nothing and shows no internals', new TypeError('x is undefined'), { status: 500, kill: false, message: /^weave proxy: attaching the container failed \(see the proxy log\)$/ }],
  ];
  for (const [name, err, want] of cases) {
    test(name, async () => {
      const r = await start(async () => Promise.reject(err));
      assert.equal(r.status, want.status);
      assert.match(r.message, want.message);
      assert.deepEqual(r.killed, want.kill ? ['c1'] : []);
      assert.deepEqual(startFailure(err).kill, want.kill);
    });
  }
});
