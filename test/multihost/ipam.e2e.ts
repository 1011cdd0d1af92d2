// Issue 16, IPAM across hosts (item 5 and the reclaim rules), `weave expose`/`hide` across hosts and
// the peers section of `weave status`. Three hosts whose proxies all run under one hostname (the
// namespaces share the machine's UTS namespace) and no --host-id: they still differ by peer id.
// Host a reclaims a dead peer's leases after 3 s, b and c only after an hour, so which proxy
// reclaims is known. Addresses: 10.2.1.0/24 inside the harness namespaces only.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { etcdSkipReason } from '@app/ipam/testing';
import { describeResult, docker } from '../support/docker.cli';
import { SimHost, allocationsOf, peersOf, useCluster, weaveCli } from '../support/multihost';
import { uniqueName } from '../support/names';
import { waitFor } from '../support/wait';
import { ethweAddresses } from '../support/weave.helpers';

const GRACE: Record<string, string> = { a: '3s', b: '60m', c: '60m' };
const proxyArgs = ({ name, dir }: { name: string; dir: string }): string[] => [
  '--state-dir', path.join(dir, 'state'), '--iprange', '10.2.1.0/24', '--peer-reclaim-after', GRACE[name],
];
const PER_HOST = 6;

describe('IPAM across hosts: peer ids, concurrent runs, reclaim, rmpeer, expose', { skip: etcdSkipReason }, () => {
  const { cluster, logs } = useCluster(3, { proxyArgs });
  const ids = new Map<SimHost, string>();
  const containers = new Map<SimHost, Array<{ id: string; address: string }>>();
  const hosts = () => cluster().hosts;
  const leasesOf = async (via: SimHost, peer: string) => (await allocationsOf(via)).filter((l) => l.peer === peer);
  const liveIn = async (via: SimHost) => (await peersOf(via)).live.map((p) => p.id);

  async function runOne(h: SimHost): Promise<{ id: string; address: string }> {
    const args = ['run', '-d', '--name', uniqueName(`ip-${h.name}`), '-e', 'WEAVE_CIDR=', 'busybox:local', 'sleep', '600'];
    const r = await docker(args, { host: h.proxy.url, timeoutMs: 120_000 });
    assert.equal(r.code, 0, describeResult(args, r) + logs());
    const id = r.stdout.toString().trim();
    const addrs = await ethweAddresses(id, h.dockerd.url);
    assert.equal(addrs?.length, 1, `${id} on ${h.name}: ${JSON.stringify(addrs)}`);
    return { id, address: addrs![0].split('/')[0] };
  }

  async function ping(h: SimHost, address: string): Promise<boolean> {
    return h.exec('busybox', ['ping', '-c', '1', '-W', '2', address]).then(() => true, () => false);
  }

  test('three proxies under one hostname get three peer ids; weave status lists them', async () => {
    for (const h of hosts()) {
      const view = await waitFor(`${h.name} sees 3 live peers`, async () => {
        const v = await peersOf(h);
        return v.live.length === 3 ? v : undefined;
      }, { timeoutMs: 20_000, describe: logs });
      assert.equal(view.self.hostname, os.hostname());
      ids.set(h, view.self.id);
    }
    assert.equal(new Set(ids.values()).size, 3, JSON.stringify([...ids.values()]));
    const status = await weaveCli(hosts()[0], 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Peers:\s+3 live, 0 gone$/m);
    for (const [h, id] of ids) assert.match(status.stdout, new RegExp(`^  ${id}  \\S+\\s+${h.underlayAddress}\\s+live.*\\s\\d+$`, 'm'));
  });

  test(`concurrent docker run, ${PER_HOST} per host on all three at once, never gives one address twice`, async () => {
    const runs = hosts().flatMap((h) => Array.from({ length: PER_HOST }, () => runOne(h).then((c) => ({ h, c }))));
    const started = await Promise.all(runs);
    const addresses = started.map((s) => s.c.address);
    assert.equal(new Set(addresses).size, addresses.length, addresses.sort().join(' '));
    for (const { h, c } of started) containers.set(h, [...(containers.get(h) ?? []), c]);
    const leases = await allocationsOf(hosts()[0]);
    for (const { h, c } of started) {
      assert.equal(leases.find((l) => l.containerId === c.id)?.peer, ids.get(h), `${c.id} is leased by ${h.name}'s peer id`);
    }
  });

  test('weave expose gives host a an address on the weave network: it reaches containers on a and b; weave hide removes it', async () => {
    const [a, b] = hosts();
    const exposed = await weaveCli(a, 'expose');
    assert.equal(exposed.code, 0, exposed.stderr + logs());
    const cidr = exposed.stdout.trim();
    assert.match(cidr, /^10\.2\.1\.\d+\/24$/);
    const taken = [...containers.values()].flat().map((c) => c.address);
    assert.ok(!taken.includes(cidr.split('/')[0]), `${cidr} is no container's`);
    assert.match(await a.exec('ip', ['-o', 'addr', 'show', 'dev', 'weave']), new RegExp(cidr.replace(/\./g, '\\.')));
    for (const target of [containers.get(a)![0].address, containers.get(b)![0].address]) {
      assert.ok(await waitFor(`a reaches ${target}`, async () => ((await ping(a, target)) ? true : undefined), { timeoutMs: 10_000 }));
    }
    const hidden = await weaveCli(a, 'hide');
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.equal(hidden.stdout.trim(), cidr);
    assert.equal(await ping(a, containers.get(b)![0].address), false, 'hidden: b\'s container is out of reach');
    assert.equal((await allocationsOf(a)).some((l) => l.containerId.startsWith('weave:expose:')), false);
  });

  test('weave rmpeer refuses a live peer, and reclaims a dead one at once', async () => {
    const [a, b, c] = hosts();
    const refused = await weaveCli(b, 'rmpeer', ids.get(c)!);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^weave: peer ${ids.get(c)} \\(.*\\) is live: stop its proxy`, 'm'));
    await a.proxy.stop('SIGKILL');
    await waitFor('a gone from b\'s peers (lease expired)', async () => (!(await liveIn(b)).includes(ids.get(a)!) ? true : undefined), { timeoutMs: 30_000, describe: logs });
    const held = (await leasesOf(b, ids.get(a)!)).length;
    assert.equal(held, PER_HOST, 'b and c (60m grace) reclaimed nothing by themselves');
    const removed = await weaveCli(b, 'rmpeer', ids.get(a)!);
    assert.equal(removed.code, 0, removed.stderr + logs());
    assert.equal(removed.stdout.trim(), `${held} IPs taken over from ${ids.get(a)}`);
    assert.deepEqual(await leasesOf(b, ids.get(a)!), []);
    // a comes back (same state dir, same peer id): its still-running containers claim their addresses again.
    await a.restartProxy();
    await waitFor('a\'s containers leased again', async () => ((await leasesOf(b, ids.get(a)!)).length === PER_HOST ? true : undefined), { timeoutMs: 60_000, describe: logs });
  });

  test('a peer killed (SIGKILL) loses its leases to a live peer after --peer-reclaim-after', async () => {
    const [a, b, c] = hosts();
    await waitFor('a live again in b\'s view', async () => ((await liveIn(b)).includes(ids.get(a)!) ? true : undefined), { timeoutMs: 30_000 });
    assert.equal((await leasesOf(b, ids.get(c)!)).length, PER_HOST);
    const killedAt = Date.now();
    await c.proxy.stop('SIGKILL');
    await waitFor('c\'s leases reclaimed', async () => ((await leasesOf(b, ids.get(c)!)).length === 0 ? true : undefined), { timeoutMs: 90_000, intervalMs: 500, describe: logs });
    process.stderr.write(`# c's leases reclaimed ${Date.now() - killedAt} ms after its proxy was killed (10 s lease + 3 s grace + sync)\n`);
    assert.match(a.proxy.logs(), /leases of gone peers reclaimed/, 'by a, the peer with the short grace');
  });
});
