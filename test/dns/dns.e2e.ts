// Issue 6, acceptance 1-4: weaveDNS served by the proxy started with --with-dns. Network rule: the
// containers and the proxy talk only to loopback, the docker bridge address and each other; the
// user --dns server is a loopback address nothing answers, and the only upstream is ours.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeResult, docker, dockerOk } from '../support/docker.cli';
import { dockerApi } from '../support/http.client';
import { removeRunContainers, uniqueName } from '../support/names';
import { freePort, ProxyHandle, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { makeStateDir, removeStateDir } from '../support/weave.helpers';
import { LoopbackUpstream, queryDns, startLoopbackUpstream } from './dns.helpers';

const SUBNET = '10.44.61';
const OUTSIDE = { name: 'outside.example', address: '192.0.2.10' };
const USER_DNS = '127.0.0.53';

async function bridgeAddress(): Promise<string> {
  const net = await dockerApi<{ IPAM: { Config: { Gateway?: string }[] } }>('GET', '/networks/bridge');
  const gateway = net.IPAM.Config.map((c) => c.Gateway).find((g) => g && !g.includes(':'));
  assert.ok(gateway, 'the default bridge has an IPv4 gateway');
  return gateway;
}

async function execIn(container: string, script: string): Promise<{ code: number | null; out: string }> {
  const r = await docker(['exec', container, 'sh', '-c', script], { timeoutMs: 30_000 });
  return { code: r.code, out: `${r.stdout.toString()}${r.stderr}` };
}

describe('weaveDNS: names, reverse names, forwarding, stop and start', () => {
  let proxy: ProxyHandle;
  let upstream: LoopbackUpstream;
  let stateDir: string;
  let bridge: string;
  let args: string[];
  const c1 = uniqueName('c1');
  const c2 = uniqueName('c2');
  const seetwo = uniqueName('seetwo');
  const logs = () => `\nproxy log (tail):\n${proxy?.logs().slice(-3000)}`;
  const ask = (name: string, type: 'A' | 'PTR' = 'A') => queryDns(bridge, 53, name, type);

  before(async () => {
    bridge = await bridgeAddress();
    upstream = await startLoopbackUpstream({ [OUTSIDE.name]: OUTSIDE.address });
    stateDir = makeStateDir('dns');
    args = ['--with-dns', '--dns-upstream', `127.0.0.1:${upstream.port}`, '--state-dir', stateDir];
    proxy = await startProxy(args);
    const run = (name: string, ...extra: string[]) =>
      dockerOk(['run', '-d', '--name', name, ...extra, 'busybox:local', 'sleep', '600'], { timeoutMs: 60_000 });
    await run(c2, '-e', `WEAVE_CIDR=${SUBNET}.2/24`);
    await run(c1, '-e', `WEAVE_CIDR=${SUBNET}.1/24`, '--dns', USER_DNS, '--add-host', `c2alias:${SUBNET}.2`);
    await run(seetwo, '-e', `WEAVE_CIDR=${SUBNET}.3/24`, '-h', 'seetwo.weave.local');
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    await upstream?.close();
    removeStateDir(stateDir);
  });

  test('inside c1, nslookup c2.weave.local answers c2 weave address', async () => {
    const r = await execIn(c1, `nslookup ${c2}.weave.local`);
    assert.equal(r.code, 0, r.out + logs());
    assert.match(r.out, new RegExp(`Name:\\s*${c2}\\.weave\\.local\\s+Address:\\s*${SUBNET}\\.2\\b`), r.out);
  });

  test('inside c1, ping -c1 with the bare name reaches c2', async () => {
    const r = await execIn(c1, `ping -c1 -W2 ${c2}`);
    assert.equal(r.code, 0, r.out + logs());
    assert.match(r.out, new RegExp(`PING ${c2} \\(${SUBNET}\\.2\\)`));
    assert.match(r.out, /1 packets received/);
  });

  test('the reverse lookup of c2 address gives its name', async () => {
    const r = await execIn(c1, `nslookup ${SUBNET}.2`);
    assert.equal(r.code, 0, r.out + logs());
    assert.match(r.out, new RegExp(`name = ${c2}\\.weave\\.local`));
    assert.deepEqual(await ask(`2.${SUBNET.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR'), {
      rcode: 'NOERROR',
      data: [`${c2}.weave.local`],
    });
  });

  test('the user --dns server stays first in resolv.conf, weaveDNS after it', async () => {
    const r = await execIn(c1, 'cat /etc/resolv.conf');
    const servers = [...r.out.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(servers, [USER_DNS, bridge], r.out);
  });

  test('--add-host names resolve', async () => {
    const r = await execIn(c1, 'ping -c1 -W2 c2alias');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`PING c2alias \\(${SUBNET}\\.2\\)`));
  });

  test('-h seetwo.weave.local registers seetwo', async () => {
    assert.deepEqual(await ask('seetwo.weave.local'), { rcode: 'NOERROR', data: [`${SUBNET}.3`] });
    const r = await execIn(c1, 'nslookup seetwo.weave.local');
    assert.match(r.out, new RegExp(`Address:\\s*${SUBNET}\\.3\\b`), r.out);
  });

  test('an unknown name in the domain is NXDOMAIN; a known name has no AAAA', async () => {
    assert.equal((await ask('nobody.weave.local')).rcode, 'NXDOMAIN');
    assert.deepEqual(await queryDns(bridge, 53, `${c2}.weave.local`, 'AAAA'), { rcode: 'NOERROR', data: [] });
  });

  test('a name outside the domain is answered by the loopback upstream', async () => {
    assert.deepEqual(await ask(OUTSIDE.name), { rcode: 'NOERROR', data: [OUTSIDE.address] });
    const r = await execIn(c1, `nslookup ${OUTSIDE.name}`);
    assert.match(r.out, new RegExp(`Address:\\s*${OUTSIDE.address.replace(/\./g, '\\.')}\\b`), r.out);
    assert.ok(upstream.asked.includes(OUTSIDE.name), JSON.stringify(upstream.asked));
  });

  test('after docker stop c2 its name is NXDOMAIN within 2 s; after docker start it is back', async () => {
    await dockerOk(['stop', '-t', '1', c2]);
    const stopped = Date.now();
    await waitFor('NXDOMAIN for the stopped c2', async () =>
      (await ask(`${c2}.weave.local`)).rcode === 'NXDOMAIN' ? true : undefined,
    { timeoutMs: 5_000, intervalMs: 50 });
    const took = Date.now() - stopped;
    assert.ok(took < 2_000, `NXDOMAIN ${took} ms after docker stop${logs()}`);
    await dockerOk(['start', c2]);
    const back = await waitFor('c2 answered again', async () => {
      const a = await ask(`${c2}.weave.local`);
      return a.rcode === 'NOERROR' && a.data.length > 0 ? a : undefined;
    }, { timeoutMs: 10_000 });
    assert.deepEqual(back.data, [`${SUBNET}.2`]);
  });

  test('after a proxy restart the names are served again', async () => {
    await proxy.stop();
    proxy = await startProxy(args);
    const a = await waitFor('c1 answered by the restarted proxy', async () => {
      const r = await ask(`${c1}.weave.local`).catch(() => undefined);
      return r?.rcode === 'NOERROR' && r.data.length > 0 ? r : undefined;
    }, { timeoutMs: 15_000 });
    assert.deepEqual(a.data, [`${SUBNET}.1`]);
  });
});

describe('weaveDNS: hostnames from --hostname-match/--hostname-replacement and --hostname-from-label', () => {
  let proxy: ProxyHandle;
  let stateDir: string;
  let bridge: string;
  let port: number;
  const matched = 'abc-web-1';
  const labelled = uniqueName('lab');
  const removeMatched = () => dockerApi('DELETE', `/containers/${matched}?force=1&v=1`).catch(() => undefined);

  before(async () => {
    bridge = await bridgeAddress();
    port = await freePort();
    stateDir = makeStateDir('dns-names');
    await removeMatched();
    proxy = await startProxy([
      '--with-dns', '--dns-listen', `${bridge}:${port}`, '--dns-upstream', '127.0.0.1:9', '--state-dir', stateDir,
      '--hostname-match', '^[^-]+-(?P<app>[^-]*)-[^-]+$', '--hostname-replacement', '$app',
      '--hostname-from-label', 'dns.name',
    ]);
  });
  after(async () => {
    await removeMatched();
    await removeRunContainers();
    await proxy?.stop();
    removeStateDir(stateDir);
  });

  const runAndAsk = async (name: string, cidr: string, fqdn: string, extra: string[] = []) => {
    const args = ['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${cidr}/24`, ...extra, 'busybox:local', 'sleep', '600'];
    const r = await docker(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, describeResult(args, r));
    return waitFor(`${fqdn} answered`, async () => {
      const a = await queryDns(bridge, port, fqdn);
      return a.data.length > 0 ? a : undefined;
    }, { timeoutMs: 10_000 });
  };

  test('abc-web-1 becomes web.weave.local', async () => {
    assert.deepEqual((await runAndAsk(matched, `${SUBNET}.11`, 'web.weave.local')).data, [`${SUBNET}.11`]);
    const names = await dockerOk(['inspect', '-f', '{{.Config.Hostname}} {{.Config.Domainname}}', matched]);
    assert.equal(names.trim(), 'web weave.local');
  });

  test('--hostname-from-label takes the label value', async () => {
    const a = await runAndAsk(labelled, `${SUBNET}.12`, 'fromlabel.weave.local', ['--label', 'dns.name=fromlabel']);
    assert.deepEqual(a.data, [`${SUBNET}.12`]);
    assert.equal((await queryDns(bridge, port, `${labelled}.weave.local`)).rcode, 'NXDOMAIN');
  });
});
