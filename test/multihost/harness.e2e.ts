// Issue 16, the harness: simulated hosts on one machine, each a network namespace with its own
// dockerd and proxy, joined by an underlay bridge in a namespace of the test's own, with etcd on the
// underlay. Checks the harness itself (each host is separate, the underlay carries traffic, the
// proxies share one IPAM range through etcd on the underlay) and that its teardown leaves nothing.
// Addresses: underlay 192.168.77.0/24, weave 10.2.1.0/24 (inside the harness namespaces only).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { Cluster, SimHost, netnsPath, pidAlive, startCluster } from '../support/multihost';
import { uniqueName } from '../support/names';
import { ethweAddresses } from '../support/weave.helpers';

const RANGE = '10.2.1.0/24';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', RANGE,
];

function logs(cluster: Cluster | undefined): string {
  return (cluster?.hosts ?? []).map((h) => `\nproxy ${h.name} log (tail):\n${h.proxy.logs().slice(-1500)}`).join('');
}

async function runOn(host: SimHost, label: string, cluster: Cluster): Promise<string> {
  const name = uniqueName(label);
  const args = ['run', '-d', '--name', name, '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '300'];
  const r = await docker(args, { host: host.proxy.url, timeoutMs: 60_000 });
  assert.equal(r.code, 0, describeResult(args, r) + logs(cluster));
  const addrs = await ethweAddresses(name, host.dockerd.url);
  assert.equal(addrs?.length, 1, `${name} on ${host.name}: ${JSON.stringify(addrs)}`);
  return addrs![0];
}

describe('multi-host harness: hosts in namespaces, an underlay, etcd on it', { skip: etcdSkipReason }, () => {
  let cluster: Cluster | undefined;
  before(async () => {
    const started = Date.now();
    cluster = await startCluster(2, { proxyArgs });
    process.stderr.write(`# multihost: 2 hosts up in ${Date.now() - started} ms\n`);
  });
  after(async () => {
    await cluster?.stop();
  });

  // Not by `docker info`'s ID: every dockerd of the machine reads the same /etc/docker/key.json,
  // so the daemons of all simulated hosts report one ID (and one hostname).
  test('each host has its own dockerd behind its own proxy', async () => {
    for (const h of cluster!.hosts) {
      const r = await docker(['info', '--format', '{{.DockerRootDir}}'], { host: h.proxy.url, timeoutMs: 15_000 });
      assert.equal(r.code, 0, describeResult(['info'], r) + logs(cluster));
      assert.equal(r.stdout.toString().trim(), path.join(h.dir, 'data'), h.name);
    }
  });

  test('the underlay carries traffic between the host namespaces', async () => {
    const [a, b] = cluster!.hosts;
    const out = await a.exec('busybox', ['ping', '-c', '1', '-W', '5', b.underlayAddress]);
    assert.match(out, /1 packets received/);
  });

  test('containers on both hosts get distinct addresses from one range through etcd on the underlay', async () => {
    const [a, b] = cluster!.hosts;
    const got = [await runOn(a, 'mh-a', cluster!), await runOn(b, 'mh-b', cluster!)];
    for (const cidr of got) assert.ok(cidr.startsWith('10.2.1.') && cidr.endsWith('/24'), cidr);
    assert.notEqual(got[0], got[1]);
  });

  test('a third host joins the running cluster', async () => {
    const started = Date.now();
    const c = await cluster!.addHost();
    process.stderr.write(`# multihost: third host up in ${Date.now() - started} ms\n`);
    const out = await c.exec('busybox', ['ping', '-c', '1', '-W', '5', cluster!.hosts[0].underlayAddress]);
    assert.match(out, /1 packets received/);
    await runOn(c, 'mh-c', cluster!);
  });

  test('teardown stops every process and removes every namespace and directory it made', async () => {
    const made = cluster!.hosts.map((h) => ({ netns: h.netns, dir: h.dir, pids: [h.proxy.process?.pid ?? 0, h.dockerd.pid] }));
    const underlay = cluster!.underlay.netns;
    await cluster!.stop();
    for (const m of made) {
      assert.equal(fs.existsSync(netnsPath(m.netns)), false, `${m.netns} removed`);
      assert.equal(fs.existsSync(m.dir), false, `${m.dir} removed`);
      for (const pid of m.pids) assert.equal(pidAlive(pid), false, `process ${pid} stopped`);
    }
    assert.equal(fs.existsSync(netnsPath(underlay)), false, `${underlay} removed`);
    assert.equal(fs.readdirSync('/var/run/netns').filter((n) => n.startsWith(`wpmh${process.pid}-`)).length, 0);
    const mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
    for (const m of made) assert.ok(!mounts.includes(m.dir), `no mount left under ${m.dir}`);
  });
});
