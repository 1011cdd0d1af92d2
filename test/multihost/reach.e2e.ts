// Issue 16, test 1: containers on two hosts reach each other by address, through each host's proxy
// with the docker CLI: ping and HTTP (busybox httpd / wget), with WEAVE_CIDR addresses and with
// addresses IPAM allocates through the shared etcd. Each host's vxlan-weave carries a unicast FDB
// entry for the other's containers (MAC -> that host's underlay address), read from etcd's
// endpoint records. Addresses: underlay 192.168.77.0/24, weave 10.2.1.0/24, harness netns only.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { ethweMac, execOn, httpdOn, macTargets, runOn, SimHost, useCluster } from '../support/multihost';
import { waitFor } from '../support/wait';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
];

describe('cross-host reach: ping and HTTP between hosts, unicast FDB entries from etcd', { skip: etcdSkipReason }, () => {
  const { cluster, logs } = useCluster(2, { proxyArgs });

  /** From `client` on `h`: ping `target` and fetch `http://target/`, which must answer `body`. */
  async function reaches(h: SimHost, client: string, target: string, body: string): Promise<void> {
    const ping = await execOn(h, client, ['ping', '-c', '2', '-W', '2', target]);
    assert.equal(ping.code, 0, `${client} on ${h.name}: ping ${target}: ${ping.out}${logs()}`);
    // busybox 1.35 (Debian, static) wget segfaults with -T: `timeout` bounds it instead. Polled: the
    // httpd may still be starting.
    let last = '';
    await waitFor(`${client} on ${h.name}: wget http://${target}/`, async () => {
      const get = await execOn(h, client, ['timeout', '10', 'wget', '-q', '-O', '-', `http://${target}/`]);
      last = `exit ${get.code}: ${get.out}`;
      return get.code === 0 ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 500, describe: () => last + logs() });
    assert.equal(last.replace(/^exit 0: /, '').trim(), body);
  }

  /** Waits until `h`'s vxlan-weave points `mac` at `address`. */
  async function pointed(h: SimHost, mac: string, address: string): Promise<void> {
    await waitFor(`${h.name}: ${mac} -> ${address}`, async () => ((await macTargets(h)).includes(`${mac}>${address}`) ? true : undefined), {
      timeoutMs: 15_000, describe: () => logs(),
    });
  }

  test('WEAVE_CIDR=10.2.1.1/24 on A and 10.2.1.2/24 on B: each pings the other and fetches HTTP from it', async () => {
    const [a, b] = cluster().hosts;
    const ca = await httpdOn(cluster(), a, 'web-a', 'hello-from-a', '10.2.1.1/24');
    const cb = await httpdOn(cluster(), b, 'web-b', 'hello-from-b', '10.2.1.2/24');
    assert.deepEqual([ca.address, cb.address], ['10.2.1.1', '10.2.1.2']);
    await reaches(a, ca.name, '10.2.1.2', 'hello-from-b');
    await reaches(b, cb.name, '10.2.1.1', 'hello-from-a');
  });

  test('addresses allocated by IPAM through etcd: distinct, and they reach each other the same way', async () => {
    const [a, b] = cluster().hosts;
    const ca = await httpdOn(cluster(), a, 'ipam-a', 'ipam-a');
    const cb = await httpdOn(cluster(), b, 'ipam-b', 'ipam-b');
    assert.notEqual(ca.address, cb.address);
    await reaches(a, ca.name, cb.address, 'ipam-b');
    await reaches(b, cb.name, ca.address, 'ipam-a');
  });

  test('each host points the other\'s container MACs at its underlay address; a removed container\'s entry goes', async () => {
    const [a, b] = cluster().hosts;
    const ca = await runOn(cluster(), a, 'fdb-a', { cidr: '10.2.1.11/24' });
    const cb = await runOn(cluster(), b, 'fdb-b', { cidr: '10.2.1.12/24' });
    const [macA, macB] = [await ethweMac(a, ca.name), await ethweMac(b, cb.name)];
    await pointed(a, macB, b.underlayAddress);
    await pointed(b, macA, a.underlayAddress);
    assert.ok(!(await macTargets(a)).some((t) => t.startsWith(`${macA}>`)), 'no entry on A for its own container');
    const r = await docker(['rm', '-f', cb.name], { host: b.proxy.url, timeoutMs: 30_000 });
    assert.equal(r.code, 0, describeResult(['rm', '-f', cb.name], r));
    await waitFor(`A drops ${macB}`, async () => ((await macTargets(a)).some((t) => t.startsWith(`${macB}>`)) ? undefined : true), {
      timeoutMs: 15_000, describe: () => logs(),
    });
  });
});
