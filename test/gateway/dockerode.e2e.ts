// Issue 12: a real third-party client (dockerode, with docker-modem's hijack framing) drives the
// same scenario through the proxy and straight to dockerd; the results must be the same.
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import Docker from 'dockerode';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';

interface Outcome {
  attached: string;
  waited: number;
  logs: string;
  exec: string;
  execExit: number | null;
  events: string[];
  error: { statusCode?: number; message: string };
}

/** The demultiplexed stdout+stderr of a stream, once it ends. */
function demuxed(docker: Docker, stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    docker.modem.demuxStream(stream, out, out);
    stream.on('end', () => resolve(text));
    stream.on('close', () => resolve(text));
    stream.on('error', reject);
  });
}

/** create (WEAVE_CIDR), hijacked attach with stdin, wait, logs: `cat` echoes what it was sent. */
async function attachRun(docker: Docker, cidr: string): Promise<Pick<Outcome, 'attached' | 'waited' | 'logs'> & { id: string }> {
  const c = await docker.createContainer({
    name: uniqueName('dro'),
    Image: 'busybox:local',
    Cmd: ['cat'],
    Env: [`WEAVE_CIDR=${cidr}`],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream;
  const output = demuxed(docker, stream);
  await c.start();
  stream.end('abc\n');
  const attached = await output;
  const { StatusCode } = (await c.wait()) as { StatusCode: number };
  const logs = await demuxed(docker, Readable.from([(await c.logs({ stdout: true, stderr: true })) as unknown as Buffer]));
  return { id: c.id, attached, waited: StatusCode, logs };
}

/** exec with stdin into a running container; answers its output, exit code and ethwe's address. */
async function execRun(docker: Docker, cidr: string): Promise<{ exec: string; execExit: number | null; ethwe: string }> {
  const c = await docker.createContainer({ name: uniqueName('drx'), Image: 'busybox:local', Cmd: ['sleep', '600'], Env: [`WEAVE_CIDR=${cidr}`] });
  try {
    await c.start();
    const exec = await c.exec({ Cmd: ['sh', '-c', 'cat; exit 3'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream;
    const output = demuxed(docker, stream);
    stream.end('xyz\n');
    const text = await output;
    const { ExitCode } = await exec.inspect();
    const probe = await c.exec({ Cmd: ['sh', '-c', 'ip -4 -o addr show ethwe 2>/dev/null | grep -o "inet [0-9./]*"'], AttachStdout: true });
    const ethwe = (await demuxed(docker, (await probe.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream)).trim();
    return { exec: text, execExit: ExitCode, ethwe };
  } finally {
    await c.remove({ force: true });
  }
}

async function scenario(docker: Docker, cidr: string): Promise<Outcome & { ethwe: string }> {
  const since = Math.floor(Date.now() / 1000) - 1;
  const run = await attachRun(docker, cidr);
  const ex = await execRun(docker, cidr);
  const events = (await docker.getEvents({
    since,
    until: Math.floor(Date.now() / 1000) + 1,
    filters: { container: [run.id], type: ['container'], event: ['create', 'start', 'die'] },
  })) as unknown as Readable;
  const lines: string[] = [];
  for await (const chunk of events) lines.push(...String(chunk).split('\n').filter(Boolean));
  await docker.getContainer(run.id).remove({ force: true });
  const error = await docker
    .getContainer('wpt-no-such-container')
    .inspect()
    .then(() => ({ message: 'no error' }), (e: { statusCode?: number; json?: { message?: string } }) => ({ statusCode: e.statusCode, message: e.json?.message ?? '' }));
  const { id: _id, ...rest } = run;
  return { ...rest, ...ex, events: lines.map((l) => (JSON.parse(l) as { Action: string }).Action), error };
}

describe('gateway: dockerode (a third-party client) as straight to dockerd', () => {
  const proxy = useProxy();

  test('create with WEAVE_CIDR, hijacked attach and exec with stdin, exit codes, logs, events, an error', { timeout: 120_000 }, async () => {
    const direct = await scenario(new Docker({ socketPath: '/var/run/docker.sock' }), '10.2.7.1/24');
    const viaProxy = await scenario(new Docker({ host: '127.0.0.1', port: proxy().port }), '10.2.7.2/24');
    assert.equal(direct.attached, 'abc\n');
    assert.equal(direct.exec, 'xyz\n');
    assert.equal(direct.execExit, 3);
    assert.equal(direct.ethwe, '', 'dockerd alone ignores WEAVE_CIDR');
    assert.equal(viaProxy.ethwe, 'inet 10.2.7.2/24', 'the proxy attached the container');
    const { ethwe: _a, ...d } = direct;
    const { ethwe: _b, ...p } = viaProxy;
    assert.deepEqual(p, d);
  });
});
