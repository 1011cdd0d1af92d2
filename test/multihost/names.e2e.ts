// Issue 16, test 2: weaveDNS across hosts. With --with-dns on every proxy, `nslookup c2.weave.local`
// and `ping c2` in a container on host A resolve and reach c2 on host B (its proxy published c2's
// names and addresses in etcd under its peer lease; A's weaveDNS answers from them); the reverse
// name too; a container removed on B is no longer named on A. The only DNS upstream is a loopback
// address nothing answers: every name here is answered by the proxies themselves.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { execOn, lookupUntil, runOn, useCluster } from '../support/multihost';

const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--host-id', `mh-${name}`, '--iprange', '10.2.1.0/24',
  '--with-dns', '--dns-upstream', '127.0.0.1:1',
];

describe('weaveDNS across hosts: names published in etcd, answered on every host', { skip: etcdSkipReason }, () => {
  const { cluster, logs } = useCluster(2, { proxyArgs });

  test('from A: nslookup c2.weave.local and ping c2 reach c2 on B; the reverse name answers too', async () => {
    const [a, b] = cluster().hosts;
    const c1 = await runOn(cluster(), a, 'c1', { cidr: '10.2.1.1/24' });
    const c2 = await runOn(cluster(), b, 'c2', { cidr: '10.2.1.2/24' });
    await lookupUntil(a, c1.name, `${c2.name}.weave.local`, (out) => /Address( 1)?:\s*10\.2\.1\.2\b/.test(out), logs);
    const ping = await execOn(a, c1.name, ['ping', '-c', '2', '-W', '2', c2.name]);
    assert.equal(ping.code, 0, `ping ${c2.name}: ${ping.out}${logs()}`);
    assert.match(ping.out, /PING \S+ \(10\.2\.1\.2\)/);
    await lookupUntil(a, c1.name, '10.2.1.2', (out) => out.includes(`${c2.name}.weave.local`), logs);
    await lookupUntil(b, c2.name, `${c1.name}.weave.local`, (out) => /Address( 1)?:\s*10\.2\.1\.1\b/.test(out), logs);
  });

  test('a container removed on B is no longer named on A', async () => {
    const [a, b] = cluster().hosts;
    const c1 = await runOn(cluster(), a, 'c1b', { cidr: '10.2.1.11/24' });
    const c2 = await runOn(cluster(), b, 'c2b', { cidr: '10.2.1.12/24' });
    const fqdn = `${c2.name}.weave.local`;
    await lookupUntil(a, c1.name, fqdn, (out) => out.includes('10.2.1.12'), logs);
    const rm = await docker(['rm', '-f', c2.name], { host: b.proxy.url, timeoutMs: 30_000 });
    assert.equal(rm.code, 0, describeResult(['rm', '-f', c2.name], rm));
    const out = await lookupUntil(a, c1.name, fqdn, (o) => !o.includes('10.2.1.12'), logs);
    assert.match(out, /NXDOMAIN|can't find/);
  });
});
