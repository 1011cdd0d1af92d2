// Issue 16, data plane: with --store etcd:// each proxy makes a VXLAN device enslaved to its weave
// bridge with an all-zero FDB entry per live remote peer, so containers on different hosts are on
// one Ethernet segment: `docker run -e WEAVE_CIDR=10.2.1.1/24` on host A and 10.2.1.2/24 on host B
// ping each other. Addresses: 10.2.1.0/24 inside the harness namespaces only.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { Cluster, SimHost, floodTargets, startCluster } from '../support/multihost';
import { uniqueName } from '../support/names';
import { waitFor } from '../support/wait';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
];

describe('cross-host data plane: kernel VXLAN, flood entries from etcd', { skip: etcdSkipReason }, () => {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(2, { proxyArgs });
  });
  after(async () => {
    await cluster?.stop();
  });
  const logs = (): string => (cluster?.hosts ?? []).map((h) => `\nproxy ${h.name}:\n${h.proxy.logs().slice(-2000)}`).join('');

  async function run(h: SimHost, cidr: string): Promise<string> {
    const name = uniqueName(`vx-${h.name}`);
    const args = ['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${cidr}`, 'busybox:local', 'sleep', '300'];
    const r = await docker(args, { host: h.proxy.url, timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    return name;
  }

  test('each host floods to the other, and its VXLAN device sits on its weave bridge', async () => {
    const [a, b] = cluster!.hosts;
    for (const [h, other] of [[a, b], [b, a]]) {
      await waitFor(`${h.name} floods to ${other.underlayAddress}`, async () => {
        const t = await floodTargets(h);
        return t.length === 1 && t[0] === other.underlayAddress ? t : undefined;
      }, { timeoutMs: 15_000, describe: logs });
      const link = JSON.parse(await h.exec('ip', ['-j', '-d', 'link', 'show', 'dev', 'vxlan-weave']))[0];
      assert.equal(link.master, 'weave');
      assert.equal(link.linkinfo.info_data.id, 4242);
      assert.equal(link.mtu, 1450);
    }
  });

  test('WEAVE_CIDR=10.2.1.1/24 on A and 10.2.1.2/24 on B ping each other; ethwe leaves room for VXLAN', async () => {
    const [a, b] = cluster!.hosts;
    const [ca, cb] = [await run(a, '10.2.1.1/24'), await run(b, '10.2.1.2/24')];
    for (const [h, c, target] of [[a, ca, '10.2.1.2'], [b, cb, '10.2.1.1']] as const) {
      const r = await docker(['exec', c, 'ping', '-c', '3', '-W', '2', target], { host: h.dockerd.url, timeoutMs: 20_000 });
      assert.equal(r.code, 0, describeResult(['exec', c, 'ping', target], r) + logs());
      process.stderr.write(`# ${h.name} -> ${target}: ${/round-trip.*$/m.exec(r.stdout.toString())?.[0] ?? r.stdout}\n`);
      const mtu = await docker(['exec', c, 'cat', '/sys/class/net/ethwe/mtu'], { host: h.dockerd.url });
      assert.equal(mtu.stdout.toString().trim(), '1450');
    }
    // A full-size frame crosses too (1450 - 28 bytes of IP and ICMP headers, do not fragment).
    const big = await docker(['exec', ca, 'ping', '-c', '1', '-W', '2', '-s', '1422', '10.2.1.2'], { host: a.dockerd.url, timeoutMs: 20_000 });
    assert.equal(big.code, 0, describeResult(['ping', '-s', '1422'], big));
  });
});
