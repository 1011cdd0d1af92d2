// Issue 5, acceptance 1 (last item): dockerd restarts under a running proxy; its --restart=always
// containers come back and the proxy (still the same process) attaches them again within 5 s,
// IPAM addresses unchanged. Stops the machine's dockerd, so it runs last in this folder.
// Addresses: 10.2.7.0/24 (claims), 10.2.10.0/24 (the IPAM range).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerOk } from '../support/docker.cli';
import { startDockerd, stopDockerd } from '../support/dockerd';
import { DOCKER_SOCKET_URL, rawRequest } from '../support/http.client';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { ethweAddresses, foreignProxyNote, makeStateDir, removeStateDir, waitForEthwe } from '../support/weave.helpers';

async function dockerdAnswers(): Promise<boolean> {
  return rawRequest(DOCKER_SOCKET_URL, 'GET', '/_ping', { timeoutMs: 2_000 }).then(
    (r) => r.status === 200,
    () => false,
  );
}

describe('controller: dockerd restarted under a running proxy', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  before(async () => {
    stateDir = makeStateDir('ctl-dockerd');
    proxy = await startProxy(['--iprange', '10.2.10.0/24', '--state-dir', stateDir]);
  });
  after(async () => {
    if (!(await dockerdAnswers())) await startDockerd();
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  test('--restart=always containers are attached again within 5 s, IPAM address unchanged', { timeout: 150_000 }, async (t) => {
    const claimed = uniqueName('dd-claim');
    const ipam = uniqueName('dd-ipam');
    await Promise.all([
      dockerOk(['run', '-d', '--restart=always', '--name', claimed, '-e', 'WEAVE_CIDR=10.2.7.31/24', 'busybox:local', 'sleep', '600']),
      dockerOk(['run', '-d', '--restart=always', '--name', ipam, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '600']),
    ]);
    const ipamAddr = (await ethweAddresses(ipam))?.[0];
    assert.match(ipamAddr ?? '', /^10\.2\.10\.\d+\/24$/);

    await stopDockerd();
    try {
      assert.equal(proxy.process?.exitCode ?? null, null, 'the proxy keeps running while dockerd is down');
    } finally {
      await startDockerd();
    }
    const [a, b] = await Promise.all([
      waitForEthwe(claimed, ['10.2.7.31/24'], 5_000),
      waitForEthwe(ipam, [ipamAddr!], 5_000),
    ]).catch((err: Error) => {
      throw new Error(`${err.message}\n${foreignProxyNote()}\nproxy log (tail):\n${proxy.logs().slice(-4000)}`);
    });
    t.diagnostic(`attached ${Math.max(a.ms, b.ms)} ms after dockerd answered again`);
    assert.equal(proxy.process?.exitCode ?? null, null, 'the same proxy process');
    const ps = await docker(['ps'], { timeoutMs: 15_000 });
    assert.equal(ps.code, 0, describeResult(['ps'], ps));
  });
});
