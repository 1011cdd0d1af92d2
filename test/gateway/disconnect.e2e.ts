// Issue 2, acceptance 5: Ctrl-C on `docker events` and on `docker logs -f` releases the proxy's
// upstream connection: dockerd's open connections return to where they were.
//
// What is counted: dockerd's sockets (steady ones: its listener and containerd connections; plus one
// per client connection). The proxy keeps idle keep-alive connections, so the count is taken after
// a warm-up request, and then:
//   during the stream  = the idle pool, with the streaming request on one of its connections or a
//                        new one;
//   after Ctrl-C       = fewer than during (that connection is closed, it cannot be reused after an
//                        unfinished response), and never more than before.
// "Fewer", not "exactly one fewer": dockerd's count also moves with connections that are not the
// test's (idle keep-alive connections closing, containerd's), and CI saw 17 -> 11 with the stream
// correctly released. What proves that the stream's own connection closed is the resource it holds
// inside dockerd, which dockerd releases only when that connection's context ends: its event
// subscription (NEventsListener) or its reader of the container's log file.
import assert from 'node:assert/strict';
import { ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { dockerOk, exited, spawnDocker, waitForOutput } from '../support/docker.cli';
import { dockerdOpenCount, dockerdPid, dockerdSocketCount } from '../support/dockerd';
import { dockerApi } from '../support/http.client';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';
import { sleep, waitFor } from '../support/wait';

/** dockerd's socket count once it has stayed the same over a few readings (short-lived ones gone). */
async function settledSockets(pid: number): Promise<number> {
  let last = dockerdSocketCount(pid);
  let same = 0;
  for (let i = 0; i < 50 && same < 3; i++) {
    await sleep(150);
    const now = dockerdSocketCount(pid);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

async function eventListeners(): Promise<number> {
  return (await dockerApi<{ NEventsListener: number }>('GET', '/info')).NEventsListener;
}

async function ctrlC(child: ChildProcess): Promise<void> {
  child.kill('SIGINT');
  await exited(child, 10_000);
}

describe('gateway: a client that goes away releases its dockerd connection', () => {
  const proxy = useProxy();

  test('Ctrl-C on docker events', { timeout: 60_000 }, async () => {
    const pid = dockerdPid();
    await dockerOk(['version']);
    const listenersBefore = await eventListeners();
    const socketsBefore = await settledSockets(pid);

    const events = spawnDocker(['events']);
    try {
      await waitFor('the events subscription in dockerd', async () =>
        (await eventListeners()) === listenersBefore + 1 ? true : undefined,
      );
    } catch (err) {
      events.kill('SIGKILL');
      throw err;
    }
    const socketsDuring = await settledSockets(pid);
    await ctrlC(events);

    let socketsAfter = -1;
    let listenersAfter = -1;
    await waitFor(
      'dockerd to drop the events stream',
      async () => {
        listenersAfter = await eventListeners();
        socketsAfter = await settledSockets(pid);
        return listenersAfter === listenersBefore && socketsAfter < socketsDuring ? true : undefined;
      },
      {
        timeoutMs: 15_000,
        describe: () =>
          `listeners ${listenersBefore} -> ${listenersAfter}; sockets before ${socketsBefore}, ` +
          `during ${socketsDuring}, after ${socketsAfter}`,
      },
    ).catch((err: Error) => assert.fail(err.message));
    assert.ok(socketsAfter <= socketsBefore, `sockets before ${socketsBefore}, after ${socketsAfter}`);
  });

  test('Ctrl-C on docker logs -f', { timeout: 60_000 }, async () => {
    const pid = dockerdPid();
    const name = uniqueName('ticker');
    await dockerOk(['run', '-d', '--name', name, 'busybox:local', 'sh', '-c', 'while true; do echo tick; sleep 0.2; done']);
    const logPath = (await dockerOk(['inspect', '--format', '{{.LogPath}}', name])).trim();
    const readersBefore = dockerdOpenCount(logPath, pid);
    const socketsBefore = await settledSockets(pid);

    const logs = spawnDocker(['logs', '-f', name]);
    try {
      await waitForOutput(logs, /tick\n/, 10_000);
      await waitFor('dockerd to follow the log file', () =>
        dockerdOpenCount(logPath, pid) === readersBefore + 1 ? true : undefined,
      );
    } catch (err) {
      logs.kill('SIGKILL');
      throw err;
    }
    const socketsDuring = await settledSockets(pid);
    await ctrlC(logs);

    let socketsAfter = -1;
    let readersAfter = -1;
    await waitFor(
      'dockerd to drop the logs stream',
      async () => {
        readersAfter = dockerdOpenCount(logPath, pid);
        socketsAfter = await settledSockets(pid);
        return readersAfter === readersBefore && socketsAfter < socketsDuring ? true : undefined;
      },
      {
        timeoutMs: 15_000,
        describe: () =>
          `log readers ${readersBefore} -> ${readersAfter}; sockets before ${socketsBefore}, ` +
          `during ${socketsDuring}, after ${socketsAfter}`,
      },
    ).catch((err: Error) => assert.fail(err.message));
    assert.ok(socketsAfter <= socketsBefore, `sockets before ${socketsBefore}, after ${socketsAfter}`);
  });
});
