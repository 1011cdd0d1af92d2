// Issue 16, item 4: the data plane lives in the kernel, so restarting a proxy (stop, then start with
// the same state dir) does not break a TCP stream between its host and another. A container on host
// a sends a counter line every 10 ms over one `nc` connection to a container on host b; b's dockerd
// stamps each line as it arrives (`docker logs -t`). The stream must go on over the same connection,
// every number once and in order; the longest silence around the restart is printed (goal: under
// one second; timing is the bench's business, not an assertion here).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { SimHost, peersOf, useCluster } from '../support/multihost';
import { uniqueName } from '../support/names';
import { waitFor } from '../support/wait';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
];
const SEND = 'i=0; while :; do echo $i; i=$((i+1)); usleep 10000; done | nc 10.2.1.2 5000';

/** One received line: when b's dockerd read it (ms since the epoch) and the counter it carries. */
interface Arrival {
  at: number;
  n: number;
}

async function arrivals(h: SimHost, container: string): Promise<Arrival[]> {
  const r = await docker(['logs', '-t', container], { host: h.dockerd.url, timeoutMs: 30_000 });
  return r.stdout
    .toString()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [stamp, n] = l.trim().split(' ');
      return { at: Date.parse(stamp.replace(/(\.\d{3})\d*Z$/, '$1Z')), n: Number(n) };
    });
}

describe('a proxy restart does not break a cross-host TCP stream', { skip: etcdSkipReason }, () => {
  const { cluster, logs } = useCluster(2, { proxyArgs });

  async function run(h: SimHost, cidr: string, cmd: string): Promise<string> {
    const name = uniqueName(`rs-${h.name}`);
    const args = ['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${cidr}`, 'busybox:local', 'sh', '-c', cmd];
    const r = await docker(args, { host: h.proxy.url, timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    return name;
  }

  test('stream from a to b goes on, same connection, nothing lost; the gap is measured', { timeout: 180_000 }, async (t) => {
    const [a, b] = cluster().hosts;
    await waitFor('a and b see each other', async () => ((await peersOf(a)).live.length === 2 && (await peersOf(b)).live.length === 2 ? true : undefined), { timeoutMs: 20_000, describe: logs });
    // busybox nc stops when its stdin ends (docker run -d gives it /dev/null): keep it open.
    const receiver = await run(b, '10.2.1.2/24', 'sleep 3600 | nc -l -p 5000');
    await waitFor('b listens on 5000', async () => {
      const r = await docker(['exec', receiver, 'netstat', '-ltn'], { host: b.dockerd.url });
      return /:5000\s/.test(r.stdout.toString()) ? true : undefined;
    }, { timeoutMs: 10_000 });
    const sender = await run(a, '10.2.1.1/24', SEND);
    const count = async () => (await arrivals(b, receiver)).length;
    await waitFor('the stream flows', async () => ((await count()) >= 100 ? true : undefined), { timeoutMs: 20_000, intervalMs: 500 });

    const stoppedAt = Date.now();
    assert.equal(await a.proxy.stop(), 0, 'a clean stop');
    await a.restartProxy();
    const upAt = Date.now();
    await waitFor('a live again on b', async () => ((await peersOf(b)).live.length === 2 ? true : undefined), { timeoutMs: 20_000, describe: logs });
    const before = await count();
    await waitFor('300 more lines after the restart', async () => ((await count()) >= before + 300 ? true : undefined), { timeoutMs: 60_000, intervalMs: 500, describe: logs });

    const got = await arrivals(b, receiver);
    got.forEach((x, i) => assert.equal(x.n, i, `line ${i} carries ${x.n}: every number once, in order`));
    const state = await docker(['inspect', '-f', '{{.State.Running}} {{.RestartCount}}', sender], { host: a.dockerd.url });
    assert.equal(state.stdout.toString().trim(), 'true 0', 'the sender (and its one nc connection) is still running');
    const around = got.filter((x) => x.at >= stoppedAt - 1000);
    const gaps = around.slice(1).map((x, i) => ({ ms: x.at - around[i].at, after: around[i].n }));
    const worst = gaps.reduce((m, g) => (g.ms > m.ms ? g : m), { ms: 0, after: -1 });
    t.diagnostic(`proxy a down ${upAt - stoppedAt} ms (stop + start); longest silence in the stream ${worst.ms} ms (after line ${worst.after}; lines every 10 ms)`);
    process.stderr.write(`# restart: proxy down ${upAt - stoppedAt} ms, stream gap ${worst.ms} ms\n`);
  });
});
