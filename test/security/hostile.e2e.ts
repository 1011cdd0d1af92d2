// Issue 8, acceptance 3: hostile and broken input never crashes the proxy or loses state.
// Every case in support/hostile.cases.ts says what is sent and what must come back; then a burst of
// 200 malformed and oversized requests, 2000 idle connections, and clients that vanish mid-stream
// (logs -f, a hijacked run -i, a large upload, a half-sent create). Afterwards `docker ps` through
// the proxy agrees with dockerd, no hijacked stream is left open, and the proxy's open files and
// memory are back near their baseline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dockerOk } from '../support/docker.cli';
import { DOCKER_SOCKET_URL, rawRequest } from '../support/http.client';
import { removeRunContainers } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { disconnectMidStream } from './support/disconnects';
import { BAD_BODY_CASES, HostileCase, PATH_CASES, PROTOCOL_CASES, SLOW_CASES } from './support/hostile.cases';
import { jsonBodyOf, openIdle, processStats, rawExchange, statusOf } from './support/raw.socket';

const MB = 1024 * 1024;
// RSS may stay above its baseline by this much once everything is over. V8 keeps some of the heap
// it grew (old-space pages are released lazily) and glibc keeps freed malloc arenas; the burst
// buffers up to 20 x 4 MiB bodies at once. A leak of what the test creates (2000 sockets with
// their parsers, ~200 requests' buffers, 4 MiB bodies) would exceed it several times over.
const RSS_SLACK = 30 * MB;
// The keep-alive pool to dockerd may keep up to the burst's concurrency (20) more idle sockets.
const FD_SLACK = 40;

async function check(proxy: ProxyHandle, c: HostileCase): Promise<void> {
  const got = await rawExchange(proxy.port, c.send, c.waitMs ?? 10_000);
  const what = `${c.name}: got ${JSON.stringify(got.answer.slice(0, 300))} after ${got.ms} ms`;
  if (c.status !== undefined) assert.equal(statusOf(got.answer), c.status, what);
  if (c.message) assert.match((jsonBodyOf(got.answer) as { message: string }).message, c.message, what);
  if (c.closed) assert.ok(got.closedByServer, what);
  if (c.closed && c.status === undefined) assert.ok(statusOf(got.answer) === 0 || statusOf(got.answer) >= 400, what);
  if (c.minMs) assert.ok(got.ms >= c.minMs, what);
  if (c.direct) {
    const d = await rawRequest(DOCKER_SOCKET_URL, c.direct.method, c.direct.path, { body: c.direct.body });
    assert.equal(statusOf(got.answer), d.status, `${what}\ndockerd: ${d.status} ${d.body}`);
    if (d.headers.location) assert.match(got.answer, new RegExp(`\r\nLocation: ${escape(d.headers.location)}\r\n`, 'i'), what);
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function hijackedOpen(proxy: ProxyHandle): Promise<number> {
  const res = await rawRequest(proxy.url, 'GET', '/_weave/metrics');
  return Number(/^weave_proxy_hijacked_streams_open (\d+)/m.exec(res.body.toString())?.[1] ?? NaN);
}

/** The proxy's stats once its open files stayed the same over three readings (warm-up sockets closed). */
async function settledStats(pid: number): Promise<{ rss: number; fds: number }> {
  let last = processStats(pid);
  let same = 0;
  return waitFor(
    "the proxy's open files to settle after the warm-up",
    () => {
      const now = processStats(pid);
      same = now.fds === last.fds ? same + 1 : 0;
      last = now;
      return same >= 3 ? now : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 250, describe: () => JSON.stringify(last) },
  );
}

describe('security: hostile input', () => {
  let proxy: ProxyHandle;
  let baseline: { rss: number; fds: number };
  before(async () => {
    proxy = await startProxy();
    // Warm up every code path once (JIT, lazily loaded modules, the dockerd pool) before measuring.
    for (const c of [...BAD_BODY_CASES, ...PROTOCOL_CASES, ...PATH_CASES]) await rawExchange(proxy.port, c.send);
    await dockerOk(['ps']);
    baseline = await settledStats(proxy.process!.pid!);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
  });

  for (const c of [...BAD_BODY_CASES, ...PROTOCOL_CASES, ...PATH_CASES, ...SLOW_CASES]) {
    test(c.name, { timeout: 60_000 }, () => check(proxy, c));
  }

  test("clients' Connection: close never poisons the dockerd pool (the path cases, replayed)", { timeout: 60_000 }, async () => {
    // Each raw request asks Connection: close; forwarded, it made dockerd close a connection the
    // pool then handed to the next request (EPIPE: a 502 for a request that did nothing wrong).
    for (let i = 0; i < 3; i++) for (const c of PATH_CASES) await check(proxy, c);
  });

  test('a burst of 200 malformed and oversized requests, 20 at a time', { timeout: 120_000 }, async () => {
    const pool = [...BAD_BODY_CASES, ...PROTOCOL_CASES];
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => check(proxy, pool[(i + j) % pool.length])));
    }
  });

  test('2000 idle connections: docker ps still answers; the proxy closes them all', { timeout: 90_000 }, async () => {
    const idle = await openIdle(proxy.port, 2000);
    let closed = 0;
    for (const s of idle) {
      s.on('error', () => undefined);
      s.on('close', () => (closed += 1));
    }
    assert.match(await dockerOk(['ps']), /^CONTAINER ID/);
    await waitFor('the proxy to close 2000 idle connections', () => (closed === idle.length ? true : undefined), {
      timeoutMs: 45_000,
      describe: () => `${closed} closed`,
    });
  });

  test('clients that vanish mid-stream (logs -f, run -i, upload, half a create)', { timeout: 120_000 }, async () => {
    await disconnectMidStream(proxy);
    await waitFor('no hijacked stream left open', async () => ((await hijackedOpen(proxy)) === 0 ? true : undefined), {
      timeoutMs: 20_000,
    });
  });

  test('afterwards: docker ps agrees with dockerd; files and memory back near the baseline', { timeout: 90_000 }, async (t) => {
    const ids = (host: string) => dockerOk(['ps', '-a', '-q', '--no-trunc'], { host }).then((o) => o.split('\n').sort().join(','));
    const proxied = await ids(proxy.url);
    assert.equal(proxied, await ids(DOCKER_SOCKET_URL));
    const pid = proxy.process!.pid!;
    let now = processStats(pid);
    const settled = () => now.rss <= baseline.rss + RSS_SLACK && now.fds <= baseline.fds + FD_SLACK;
    await waitFor('RSS and open files back near the baseline', () => ((now = processStats(pid)), settled() ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      describe: () => `baseline ${JSON.stringify(baseline)}, now ${JSON.stringify(now)}`,
    });
    t.diagnostic(`baseline rss ${(baseline.rss / MB).toFixed(1)} MiB fds ${baseline.fds}; after rss ${(now.rss / MB).toFixed(1)} MiB fds ${now.fds}`);
    assert.equal(proxy.process!.exitCode, null, 'the proxy is still running');
  });
});
