// Issue 16, test 3: a third host joins a running two-host network: its container reaches and is
// reached by the others, by address and by weaveDNS name, as soon as the peers converge. It leaves,
// once with its proxy stopped (the lease is revoked) and once with its proxy killed (SIGKILL: the
// lease expires after its 10 s TTL): each time its flood entry, its container's unicast FDB entry
// and its container's name are gone on the others. Polled throughout; nothing is timed.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { ethweMac, execOn, floodTargets, lookupUntil, macTargets, runOn, SimHost, useCluster } from '../support/multihost';
import { waitFor } from '../support/wait';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
  '--with-dns', '--dns-upstream', '127.0.0.1:1',
];

describe('a host joins and leaves the weave network', { skip: etcdSkipReason }, () => {
  const hosts = (): SimHost[] => cluster().hosts;
  const c: Record<string, { name: string; address: string }> = {};
  let mac3 = '';
  const { cluster, logs } = useCluster(2, { proxyArgs });

  /** Whether `h` knows host C: it floods to it and points c3's MAC at it. */
  async function knowsC(h: SimHost): Promise<boolean> {
    const C = hosts()[2];
    return (await floodTargets(h)).includes(C.underlayAddress) && (await macTargets(h)).includes(`${mac3}>${C.underlayAddress}`);
  }

  async function cIsGone(how: string): Promise<void> {
    const [a, b, C] = hosts();
    for (const h of [a, b]) {
      await waitFor(`${how}: ${h.name} forgets C`, async () => {
        const flood = await floodTargets(h);
        const macs = await macTargets(h);
        return !flood.includes(C.underlayAddress) && !macs.some((t) => t.startsWith(`${mac3}>`)) ? true : undefined;
      }, { timeoutMs: 45_000, describe: logs });
    }
    await lookupUntil(a, c.a.name, `${c.c.name}.weave.local`, (out) => /NXDOMAIN|can't find/.test(out), logs);
  }

  async function cIsBack(how: string): Promise<void> {
    const [a, b] = hosts();
    for (const h of [a, b]) await waitFor(`${how}: ${h.name} knows C`, async () => ((await knowsC(h)) ? true : undefined), { timeoutMs: 45_000, describe: logs });
    await lookupUntil(a, c.a.name, `${c.c.name}.weave.local`, (out) => out.includes(c.c.address), logs);
  }

  test('C joins: its container reaches A\'s and B\'s and is reached by them, by address and by name', async () => {
    const [a, b] = hosts();
    c.a = await runOn(cluster(), a, 'ja', { cidr: '10.2.1.1/24' });
    c.b = await runOn(cluster(), b, 'jb', { cidr: '10.2.1.2/24' });
    const C = await cluster().addHost();
    c.c = await runOn(cluster(), C, 'jc', { cidr: '10.2.1.3/24' });
    mac3 = await ethweMac(C, c.c.name);
    await cIsBack('joined');
    for (const [h, from, to] of [[a, c.a, c.c], [b, c.b, c.c], [C, c.c, c.a], [C, c.c, c.b]] as const) {
      const r = await execOn(h, from.name, ['ping', '-c', '2', '-W', '2', to.name]);
      assert.equal(r.code, 0, `${from.name} on ${h.name}: ping ${to.name}: ${r.out}${logs()}`);
      assert.ok(r.out.includes(`(${to.address})`), r.out);
    }
  });

  test('C\'s proxy stopped: the others drop its entries and names; started again, they are back', async () => {
    const C = hosts()[2];
    await C.proxy.stop('SIGTERM');
    await cIsGone('proxy stopped');
    await C.restartProxy();
    await cIsBack('proxy restarted');
  });

  test('C\'s proxy killed: when its lease expires the others drop its entries and names', { timeout: 120_000 }, async () => {
    const C = hosts()[2];
    await C.proxy.stop('SIGKILL');
    await cIsGone('proxy killed');
  });
});
