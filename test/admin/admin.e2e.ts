// Issue 7: the admin API and its metrics, scraped by the distribution's Prometheus and checked by
// promtool; `weave status` / `weave ps`; coded errors; readyz following dockerd's reachability.
import assert from 'node:assert/strict';
import { execFile, spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { dockerOk } from '../support/docker.cli';
import { rawRequest } from '../support/http.client';
import { removeRunContainers, uniqueName } from '../support/names';
import { freePort, ProxyHandle, repoRoot, startProxy } from '../support/proxy.harness';

const run = promisify(execFile);

async function getJson(proxy: ProxyHandle, p: string): Promise<{ status: number; body: any }> {
  const r = await rawRequest(proxy.url, 'GET', p);
  return { status: r.status, body: JSON.parse(r.body.toString()) };
}

async function metricValue(proxy: ProxyHandle, line: RegExp): Promise<number> {
  const text = (await rawRequest(proxy.url, 'GET', '/_weave/metrics')).body.toString();
  const m = text.split('\n').find((l) => line.test(l));
  return m ? Number(m.split(' ').pop()) : NaN;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('admin API and metrics', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-admin-'));
    proxy = await startProxy(['--iprange', '10.47.0.0/24', '--state-dir', stateDir]);
    await dockerOk(['run', '--rm', '--name', uniqueName('m1'), '-e', 'WEAVE_CIDR=10.47.1.1/24', 'busybox:local', 'true']);
    await dockerOk(['run', '-d', '--name', uniqueName('m2'), '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '60']);
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('request, attach, reconcile and IPAM series have moved', async () => {
    assert.ok((await metricValue(proxy, /^weave_proxy_requests_total\{route="create",method="POST",status="2xx"\}/)) >= 2);
    // docker run (not -d) attaches: an upgrade, answered 101, counted like every other request.
    assert.ok((await metricValue(proxy, /^weave_proxy_requests_total\{route="containers",method="POST",status="1xx"\}/)) >= 1);
    assert.ok((await metricValue(proxy, /^weave_proxy_attach_duration_seconds_count/)) >= 2);
    assert.ok((await metricValue(proxy, /^weave_proxy_reconciles_total\{controller="container",result="success"\}/)) >= 2);
    assert.equal(await metricValue(proxy, /^weave_proxy_ipam_addresses\{range="10.47.0.0\/24",state="used"\}/), 1);
    assert.ok((await metricValue(proxy, /^weave_proxy_docker_events_total/)) > 0);
  });

  test('promtool check metrics passes on the scraped text', async () => {
    const text = (await rawRequest(proxy.url, 'GET', '/_weave/metrics')).body;
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.stdin.end(text);
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, out);
  });

  test('Prometheus scrapes /_weave/metrics and reports the target up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-prom-'));
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: weave-proxy\n    metrics_path: /_weave/metrics\n` +
        `    static_configs: [{ targets: ['127.0.0.1:${proxy.port}'] }]\n`,
    );
    const prom: ChildProcess = spawn('prometheus', [
      `--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: 'ignore' });
    try {
      const health = await until('the target to be up', async () => {
        const r = await rawRequest(`tcp://127.0.0.1:${port}`, 'GET', '/api/v1/targets');
        const t = JSON.parse(r.body.toString()).data.activeTargets[0];
        return t?.health === 'up' ? t : undefined;
      }, 30_000);
      assert.equal(health.scrapeUrl, `http://127.0.0.1:${proxy.port}/_weave/metrics`);
    } finally {
      prom.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('endpoints answer JSON; bad filters 400 with a code; unknown paths 404 JSON', async () => {
    const status = await getJson(proxy, '/_weave/status');
    assert.equal(status.status, 200);
    assert.equal(status.body.docker.reachable, true);
    assert.equal(status.body.ipam.used, 1);
    const allocations = await getJson(proxy, '/_weave/allocations');
    assert.equal(allocations.body.length, 1);
    assert.match(allocations.body[0].address, /^10\.47\.0\.\d+$/);
    const attached = await getJson(proxy, '/_weave/containers?phase=attached');
    assert.ok(attached.body.some((c: any) => c.addresses[0] === `${allocations.body[0].address}/24`));
    for (const bad of ['/_weave/containers?phase=bogus', '/_weave/containers?name=a%20b', '/_weave/containers?x=1']) {
      const r = await getJson(proxy, bad);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.code, 'WPX_BAD_REQUEST', bad);
    }
    const missing = await getJson(proxy, '/_weave/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'WPX_NOT_FOUND');
  });

  test('weave status and weave ps print tables, and JSON with --json', async () => {
    const cli = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
    const status = await run(process.execPath, [cli, 'status', '-L', proxy.url]);
    assert.match(status.stdout, /^Docker:\s+unix:\/\/\/var\/run\/docker\.sock \(API /m);
    assert.match(status.stdout, /^IPAM:\s+10\.47\.0\.0\/24: 1 used/m);
    const ps = await run(process.execPath, [cli, 'ps', '-L', proxy.url]);
    assert.match(ps.stdout, /^CONTAINER ID\s+NAME\s+PHASE\s+ADDRESSES/);
    assert.match(ps.stdout, /attached\s+10\.47\.0\.\d+\/24/);
    const json = await run(process.execPath, [cli, 'ps', '-L', proxy.url, '--json']);
    assert.ok(Array.isArray(JSON.parse(json.stdout)));
    assert.equal(JSON.parse((await run(process.execPath, [cli, 'status', '-L', proxy.url, '--json'])).stdout).ipam.used, 1);
  });
});

describe('readyz follows dockerd', () => {
  test('503 while dockerd cannot be reached, 200 once it can', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-ready-'));
    const sock = path.join(dir, 'docker.sock');
    const proxy = await startProxy(['--state-dir', dir], { dockerHost: `unix://${sock}` });
    // A relay that stands in for dockerd's socket: absent first, then forwarding to the real one.
    const relay = net.createServer((c) => c.pipe(net.connect('/var/run/docker.sock')).pipe(c));
    try {
      const down = await rawRequest(proxy.url, 'GET', '/_weave/readyz');
      assert.equal(down.status, 503);
      assert.equal(JSON.parse(down.body.toString()).docker, false);
      await new Promise<void>((r) => relay.listen(sock, r));
      await until('readyz 200', async () => ((await rawRequest(proxy.url, 'GET', '/_weave/readyz')).status === 200 ? true : undefined), 15_000);
    } finally {
      relay.close();
      await proxy.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
