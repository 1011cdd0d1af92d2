// Issue 15 item 2: `--admin-listen ADDR` serves the read-only admin API (status, allocations,
// containers, metrics, healthz, readyz) on its own listener and nothing of the Docker API: a Docker
// API request there (GET /containers/json, /_ping, /v1.41/info, a create, an attach upgrade) is a
// 404 {code: WPX_DOCKER_API_NOT_SERVED, message} that never reaches dockerd. The admin paths on the
// Docker listener (-L) stay.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { docker } from '../support/docker.cli';
import { rawRequest } from '../support/http.client';
import { uniqueName } from '../support/names';
import { freePort, ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';

const NOT_SERVED = 'WPX_DOCKER_API_NOT_SERVED';

describe('admin API on its own listener (--admin-listen)', () => {
  let proxy: ProxyHandle;
  let admin: string;
  let adminSock: string;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-admin-'));
    admin = `tcp://127.0.0.1:${await freePort()}`;
    adminSock = `unix://${path.join(dir, 'admin.sock')}`;
    proxy = await startProxy(['--admin-listen', admin, '--admin-listen', adminSock]);
  });
  after(async () => {
    await proxy?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('serves /_weave/status, allocations, containers, healthz, readyz and metrics, on TCP and unix', { timeout: 60_000 }, async () => {
    for (const url of [admin, adminSock]) {
      const status = await rawRequest(url, 'GET', '/_weave/status');
      assert.equal(status.status, 200, status.body.toString());
      const body = JSON.parse(status.body.toString());
      assert.deepEqual(body.adminListen, [admin, adminSock]);
      assert.deepEqual(body.listen, [proxy.url]);
      for (const p of ['/_weave/allocations', '/_weave/containers', '/_weave/healthz']) {
        assert.equal((await rawRequest(url, 'GET', p)).status, 200, `${url} ${p}`);
      }
      await waitFor('readyz 200', async () => ((await rawRequest(url, 'GET', '/_weave/readyz')).status === 200 ? true : undefined));
      const metrics = await rawRequest(url, 'GET', '/_weave/metrics');
      assert.equal(metrics.status, 200);
      assert.match(String(metrics.headers['content-type']), /^text\/plain/);
      assert.match(metrics.body.toString(), /^weave_proxy_requests_total\{/m);
    }
    assert.equal(fs.statSync(adminSock.slice('unix://'.length)).mode & 0o777, 0o666);
  });

  test('Docker API requests are a 404 in the admin error shape', { timeout: 60_000 }, async () => {
    const requests: Array<[string, string]> = [
      ['GET', '/containers/json'], ['GET', '/_ping'], ['HEAD', '/_ping'], ['GET', '/v1.41/info'], ['GET', '/version'],
      ['GET', '/'], ['GET', '/_weavex'], ['DELETE', '/containers/x'],
    ];
    for (const url of [admin, adminSock]) {
      for (const [method, p] of requests) {
        const r = await rawRequest(url, method, p);
        assert.equal(r.status, 404, `${method} ${p} on ${url}`);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        if (method === 'HEAD') continue;
        const body = JSON.parse(r.body.toString());
        assert.deepEqual(Object.keys(body).sort(), ['code', 'message']);
        assert.equal(body.code, NOT_SERVED, `${method} ${p}`);
        assert.match(body.message, /admin listener/);
      }
    }
    // An unknown admin path keeps its own code.
    const bogus = JSON.parse((await rawRequest(admin, 'GET', '/_weave/bogus')).body.toString());
    assert.equal(bogus.code, 'WPX_NOT_FOUND');
  });

  test('nothing reaches dockerd: a create there creates nothing, the docker CLI gets no daemon', { timeout: 60_000 }, async () => {
    const name = uniqueName('admin-only');
    const r = await rawRequest(admin, 'POST', `/containers/create?name=${name}`, { body: JSON.stringify({ Image: 'busybox:local', Cmd: ['true'] }) });
    assert.equal(r.status, 404);
    assert.equal(JSON.parse(r.body.toString()).code, NOT_SERVED);
    const inspect = await docker(['inspect', name], { host: proxy.url });
    assert.notEqual(inspect.code, 0, 'the container must not exist');
    const ps = await docker(['ps'], { host: admin });
    assert.notEqual(ps.code, 0, 'the docker CLI must not work against the admin listener');
  });

  test('an upgrade (attach/exec hijack) gets the 404 and the connection closes', { timeout: 30_000 }, async () => {
    const port = Number(new URL(admin.replace('tcp:', 'http:')).port);
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      let got = '';
      s.on('data', (c: Buffer) => (got += c.toString()));
      s.on('error', () => undefined);
      s.on('close', () => resolve(got));
      s.write('POST /containers/x/attach?stream=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n');
    });
    assert.match(answer, /^HTTP\/1\.1 404 /);
    assert.ok(answer.includes(`"code":"${NOT_SERVED}"`), answer);
  });

  test('the admin paths on the Docker listener stay, beside the Docker API', { timeout: 30_000 }, async () => {
    assert.equal((await rawRequest(proxy.url, 'GET', '/_weave/status')).status, 200);
    assert.equal((await rawRequest(proxy.url, 'GET', '/_weave/metrics')).status, 200);
    assert.equal((await rawRequest(proxy.url, 'GET', '/_ping')).body.toString(), 'OK');
  });
});
