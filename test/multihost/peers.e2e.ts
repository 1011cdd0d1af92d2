// Issue 16, peers: with --store etcd:// each proxy registers its host (a stable id from its state
// dir, its underlay address, its bridge MTU) under an etcd lease, and sees the others. Hosts are the
// multi-host harness's namespaces: they all share this machine's hostname, so distinct ids here
// prove the id is not the hostname.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { rawRequest } from '../support/http.client';
import { Cluster, SimHost, startCluster } from '../support/multihost';
import { waitFor } from '../support/wait';
import { adminGet } from '../support/weave.helpers';

interface PeerJson {
  id: string;
  address: string;
  mtu: number;
  hostname: string;
}
interface PeersJson {
  enabled: boolean;
  self: PeerJson;
  live: PeerJson[];
  gone: PeerJson[];
  error?: string;
}

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
];

const peersOf = (h: SimHost): Promise<PeersJson> => adminGet<PeersJson>(h.proxy, '/_weave/peers').then((p) => p!);

async function metric(h: SimHost, state: string): Promise<number> {
  const text = (await rawRequest(h.proxy.url, 'GET', '/_weave/metrics', { timeoutMs: 5_000 })).body.toString();
  const m = new RegExp(`^weave_proxy_peers\\{state="${state}"\\} (\\d+)$`, 'm').exec(text);
  return Number(m?.[1]);
}

describe('peers through etcd on the underlay', { skip: etcdSkipReason }, () => {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(2, { proxyArgs });
  });
  after(async () => {
    await cluster?.stop();
  });
  const logs = (): string => (cluster?.hosts ?? []).map((h) => `\nproxy ${h.name}:\n${h.proxy.logs().slice(-1500)}`).join('');

  test('each proxy lists both hosts: distinct ids on one hostname, underlay addresses found by route', async () => {
    const [a, b] = cluster!.hosts;
    const views = await waitFor('both peers live on both hosts', async () => {
      const v = [await peersOf(a), await peersOf(b)];
      return v.every((x) => x.live.length === 2) ? v : undefined;
    }, { timeoutMs: 15_000, describe: logs });
    assert.equal(views[0].self.hostname, views[1].self.hostname, 'the namespaces share the hostname');
    assert.notEqual(views[0].self.id, views[1].self.id);
    assert.deepEqual(views[0].live, views[1].live);
    assert.deepEqual(views.map((v) => v.self.address), [a.underlayAddress, b.underlayAddress]);
    assert.equal(await metric(a, 'live'), 2);
  });

  test('the id survives a restart of the proxy', async () => {
    const a = cluster!.hosts[0];
    const before = (await peersOf(a)).self.id;
    await a.proxy.stop();
    await a.restartProxy();
    assert.equal((await peersOf(a)).self.id, before);
  });

  test('a proxy that stops leaves at once; one that is killed is gone when its lease expires', { timeout: 60_000 }, async () => {
    const [a, b] = cluster!.hosts;
    const bId = (await peersOf(b)).self.id;
    const goneOnA = async () => ((await peersOf(a)).gone.some((p) => p.id === bId) ? true : undefined);
    await b.proxy.stop('SIGTERM');
    await waitFor('b gone on a after its proxy stopped', goneOnA, { timeoutMs: 3_000, describe: logs });
    assert.equal(await metric(a, 'gone'), 1);
    await b.restartProxy();
    await waitFor('b live again', async () => ((await peersOf(a)).live.some((p) => p.id === bId) ? true : undefined), { timeoutMs: 15_000 });
    await b.proxy.stop('SIGKILL');
    await waitFor('b gone on a after its lease expired', goneOnA, { timeoutMs: 25_000, describe: logs });
  });
});
