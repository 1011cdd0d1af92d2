// Issue 2, acceptance 2: `docker run`, `docker logs -f` following a running container, and
// `docker events` showing a start while it runs; plus a 300-character container name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeResult, docker, dockerOk, exited, spawnDocker, waitForOutput } from '../support/docker.cli';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';

describe('gateway: run, logs -f, events', () => {
  const proxy = useProxy();

  test('docker run --rm busybox:local echo hi prints hi', async () => {
    const args = ['run', '--rm', '--name', uniqueName('hi'), 'busybox:local', 'echo', 'hi'];
    const r = await docker(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    assert.equal(r.stdout.toString(), 'hi\n');
  });

  test('docker logs -f follows the output and ends when the container stops', async () => {
    const name = uniqueName('logs');
    await dockerOk(['run', '-d', '--name', name, 'busybox:local', 'sh', '-c', 'echo one; sleep 2; echo two']);
    const logs = spawnDocker(['logs', '-f', name]);
    const started = Date.now();
    await waitForOutput(logs, /one\n/, 10_000);
    const firstLineAfter = Date.now() - started;
    let out = '';
    logs.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await exited(logs, 15_000);
    const endedAfter = Date.now() - started;
    assert.equal(code, 0);
    assert.equal(out, 'two\n', 'the second line arrives while following');
    // Streamed, not buffered: "one" came well before the stream ended with the container.
    assert.ok(endedAfter - firstLineAfter > 1_000, `one at ${firstLineAfter} ms, end at ${endedAfter} ms`);
  });

  test('docker events shows a container start while it runs', async () => {
    const name = uniqueName('events');
    const probe = uniqueName('events-probe');
    await dockerOk(['create', '--name', name, 'busybox:local', 'true']);
    await dockerOk(['create', '--name', probe, 'busybox:local', 'true']);
    const events = spawnDocker([
      'events',
      '--filter', 'type=container',
      '--filter', 'event=start',
      '--filter', `container=${name}`,
      '--filter', `container=${probe}`,
      '--format', '{{.Action}} {{.Actor.Attributes.name}}',
    ]);
    try {
      // No --since: only live events are shown, so a start of the probe seen on the stream means
      // the CLI has subscribed. Start the probe (it exits at once) until one shows.
      let live = false;
      let failed: Error | undefined;
      void waitForOutput(events, new RegExp(`start ${probe}\\n`), 20_000).then(() => (live = true), (err: Error) => (failed = err));
      await waitFor('docker events to show a start of the probe', async () => {
        if (failed) throw failed;
        if (!live) await dockerOk(['start', probe]);
        return live || undefined;
      }, { timeoutMs: 20_000, intervalMs: 250 });
      assert.equal(events.exitCode, null, 'docker events is still running');
      // Listen before starting: the stream is flowing now, so output nobody listens to is lost.
      const shown = waitForOutput(events, new RegExp(`^start ${name}$`, 'm'), 10_000);
      await dockerOk(['start', name]);
      assert.match(await shown, new RegExp(`^start ${name}$`, 'm'));
    } finally {
      events.kill('SIGINT');
      await exited(events).catch(() => events.kill('SIGKILL'));
    }
  });

  test('a 300-character container name works', async () => {
    const name = uniqueName('long').padEnd(300, 'x');
    assert.equal(name.length, 300);
    const r = await docker(['run', '--name', name, 'busybox:local', 'echo', 'long'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(['run', '--name', '<300 chars>'], r));
    assert.equal(r.stdout.toString(), 'long\n');
    assert.equal((await dockerOk(['inspect', '--format', '{{.Name}}', name])).trim(), `/${name}`);
    await dockerOk(['rm', name]);
    const gone = await docker(['inspect', name]);
    assert.notEqual(gone.code, 0, 'removed');
  });
});
