// Issue 16, `weave expose` / `weave hide` on a single host (the embedded store): the machine itself
// gets an address on the weave bridge and reaches a container from the test process; `hide` takes
// it away (checked on the routing table: with no weave address left, a ping of 10.2.48.x would
// follow the machine's default route out of it, which tests must not do). The change calls are
// refused on an --admin-listen listener, which stays read-only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker } from '../support/docker.cli';
import { rawRequest } from '../support/http.client';
import { uniqueName, removeRunContainers } from '../support/names';
import { freePort, ProxyHandle, repoRoot, startProxy } from '../support/proxy.harness';
import { ethweAddresses, makeStateDir, removeStateDir } from '../support/weave.helpers';

const RANGE = '10.2.48.0/24';

function sh(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const weave = (proxy: ProxyHandle, ...args: string[]) =>
  sh(process.execPath, [path.join(repoRoot(), 'dist/apps/proxy/src/main.js'), ...args, '-L', proxy.url]);

describe('weave expose / hide on one host', () => {
  let proxy: ProxyHandle;
  let admin: string;
  let stateDir: string;
  before(async () => {
    admin = `tcp://127.0.0.1:${await freePort()}`;
    stateDir = makeStateDir('expose');
    proxy = await startProxy(['--iprange', RANGE, '--state-dir', stateDir, '--admin-listen', admin]);
  });
  after(async () => {
    if (proxy) await weave(proxy, 'hide');
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('expose: the machine pings a container on the weave network; hide: no weave route any more', { timeout: 120_000 }, async () => {
    const name = uniqueName('expose');
    const args = ['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300'];
    const r = await docker(args, { host: proxy.url, timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    const target = (await ethweAddresses(name))![0].split('/')[0];

    const exposed = await weave(proxy, 'expose');
    assert.equal(exposed.code, 0, exposed.stderr + proxy.logs().slice(-2000));
    const cidr = exposed.stdout.trim();
    assert.match(cidr, /^10\.2\.48\.\d+\/24$/);
    assert.notEqual(cidr.split('/')[0], target);
    const again = await weave(proxy, 'expose');
    assert.equal(again.stdout.trim(), cidr, `idempotent: ${again.stderr}`);
    const ping = await sh('busybox', ['ping', '-c', '1', '-W', '5', target]);
    assert.equal(ping.code, 0, `ping ${target}: ${ping.stdout}${ping.stderr}`);
    const listed = JSON.parse((await rawRequest(proxy.url, 'GET', '/_weave/expose')).body.toString());
    assert.deepEqual(listed, { addresses: [cidr] });

    const hidden = await weave(proxy, 'hide');
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.equal(hidden.stdout.trim(), cidr);
    const route = await sh('ip', ['route', 'get', target]);
    assert.doesNotMatch(route.stdout, /dev weave/, route.stdout);
    assert.doesNotMatch((await sh('ip', ['-o', 'addr', 'show', 'dev', 'weave'])).stdout, /10\.2\.48\./);
  });

  test('an --admin-listen listener refuses expose, hide and rmpeer (405 WPX_ADMIN_READ_ONLY) and still serves GET', async () => {
    for (const [method, p] of [['POST', '/_weave/expose'], ['DELETE', '/_weave/expose'], ['DELETE', '/_weave/peers/x']]) {
      const res = await rawRequest(admin, method, p, method === 'POST' ? { body: '{}' } : {});
      assert.equal(res.status, 405, `${method} ${p}: ${res.body}`);
      assert.equal(JSON.parse(res.body.toString()).code, 'WPX_ADMIN_READ_ONLY');
    }
    assert.equal((await rawRequest(admin, 'GET', '/_weave/expose')).status, 200);
    const single = await weave(proxy, 'rmpeer', 'x');
    assert.equal(single.code, 1);
    assert.match(single.stderr, /^weave: this proxy has no peers: it runs without --store etcd:\/\//m);
  });
});
