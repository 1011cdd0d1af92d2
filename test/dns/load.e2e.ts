// Issue 15 items 3 and 4: weaveDNS under a flood from a container on the weave network, and many
// containers behind one name. Network rule: the only upstream is a loopback socket of this test
// that never answers (each forwarded query would hold a socket for the whole timeout), and the
// flood goes from our container to the docker bridge address, bounded in count and time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { docker, dockerOk } from '../support/docker.cli';
import { dockerApi } from '../support/http.client';
import { removeRunContainers, uniqueName } from '../support/names';
import { ProxyHandle, repoRoot, startProxy } from '../support/proxy.harness';
import { waitFor } from '../support/wait';
import { makeStateDir, removeStateDir } from '../support/weave.helpers';

const SUBNET = '10.2.3';
const LB_COUNT = 24;
const FLOOD_SECONDS = 15;
const FLOOD_MAX = 75_000;
// Baseline descriptors (listeners, dockerd connections, the store) plus 128 forwarded queries and
// 64 DNS TCP connections at most; old main reached thousands.
const FD_LIMIT = 400;

async function bridgeAddress(): Promise<string> {
  const n = await dockerApi<{ IPAM: { Config: { Gateway?: string }[] } }>('GET', '/networks/bridge');
  const gateway = n.IPAM.Config.map((c) => c.Gateway).find((g) => g && !g.includes(':'));
  assert.ok(gateway);
  return gateway;
}

function queryTcp(host: string, name: string): Promise<dnsPacket.DecodedPacket> {
  const msg = dnsPacket.encode({ type: 'query', id: 4321, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });
  return new Promise((resolve, reject) => {
    const conn = net.connect(53, host);
    let got = Buffer.alloc(0);
    conn.setTimeout(5_000, () => conn.destroy(new Error('no TCP answer within 5 s')));
    conn.on('error', reject);
    conn.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        conn.end();
        resolve(dnsPacket.decode(got.subarray(2, 2 + got.readUInt16BE(0))));
      }
    });
    conn.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 255]), msg]));
  });
}

const fdCount = (pid: number) => fs.readdirSync(`/proc/${pid}/fd`).length;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  const value = await work();
  return { ms: Date.now() - started, value };
}

describe('weaveDNS under load', () => {
  let proxy: ProxyHandle;
  let blackhole: dgram.Socket;
  let stateDir: string;
  let bridge: string;
  let flooderDir: string;
  const lb = Array.from({ length: LB_COUNT }, (_, i) => uniqueName(`lb${i + 1}`));
  const logs = () => `\nproxy log (tail):\n${proxy?.logs().slice(-3000)}`;

  before(async () => {
    bridge = await bridgeAddress();
    flooderDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-flooder-'));
    execFileSync('gcc', ['-static', '-Os', '-o', path.join(flooderDir, 'flooder'), path.join(repoRoot(), 'test/dns/flooder.c')]);
    blackhole = dgram.createSocket('udp4');
    await new Promise<void>((r) => blackhole.bind(0, '127.0.0.1', r));
    stateDir = makeStateDir('dns-load');
    proxy = await startProxy(['--with-dns', '--dns-upstream', `127.0.0.1:${blackhole.address().port}`, '--state-dir', stateDir]);
    for (const [i, name] of lb.entries()) {
      await dockerOk(['run', '-d', '--name', name, '-h', 'lb.weave.local', '-e', `WEAVE_CIDR=${SUBNET}.${i + 1}/24`, 'busybox:local', 'sleep', '600'], { timeoutMs: 60_000 });
    }
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    blackhole?.close();
    removeStateDir(stateDir);
    if (flooderDir) fs.rmSync(flooderDir, { recursive: true, force: true });
  });

  test(`nslookup lb.weave.local in busybox prints the addresses of the ${LB_COUNT} containers`, async () => {
    const want = new Set(lb.map((_, i) => `${SUBNET}.${i + 1}`));
    const out = await waitFor('all addresses registered', async () => {
      const r = await docker(['exec', lb[0], 'nslookup', 'lb.weave.local'], { timeoutMs: 30_000 });
      const text = `${r.stdout.toString()}${r.stderr}`;
      const seen = new Set([...text.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]).filter((a) => want.has(a)));
      return seen.size === LB_COUNT ? text : undefined;
    }, { timeoutMs: 20_000 }).catch((err: Error) => assert.fail(`${err.message}${logs()}`));
    assert.match(out, /Name:\s*lb\.weave\.local/);
  });

  test('over TCP the answer carries every address', async () => {
    const reply = await queryTcp(bridge, 'lb.weave.local');
    assert.equal(reply.answers?.length, LB_COUNT);
    assert.ok(!reply.flag_tc);
  });

  test('a flood from one container: fds stay bounded, docker ps answers, another container resolves', async (t) => {
    const pid = proxy.process!.pid!;
    const before = { fds: fdCount(pid), ps: (await timed(() => dockerOk(['ps', '-q']))).ms };
    const flooder = uniqueName('flooder');
    const flood = docker([
      'run', '--name', flooder, '-e', `WEAVE_CIDR=${SUBNET}.100/24`, '-v', `${flooderDir}/flooder:/flooder:ro`,
      'busybox:local', '/flooder', bridge, String(FLOOD_SECONDS), String(FLOOD_MAX),
    ], { timeoutMs: 120_000 });
    let maxFds = 0;
    let flooding = true;
    const sampler = (async () => {
      while (flooding) {
        maxFds = Math.max(maxFds, fdCount(pid));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Under the flood (the flooder container is running): docker ps and a lookup from elsewhere.
    await waitFor('the flooder running', async () => (await dockerOk(['ps', '-q', '--filter', `name=${flooder}`])).trim() || undefined, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 2_000)); // let the flood build up before measuring
    const ps = await timed(() => docker(['ps', '-q'], { timeoutMs: 30_000 }));
    const lookup = await docker(['exec', lb[1], 'nslookup', 'lb.weave.local'], { timeoutMs: 30_000 });
    const stillFlooding = (await dockerOk(['inspect', '-f', '{{.State.Running}}', flooder])).trim() === 'true';
    const done = await flood;
    flooding = false;
    await sampler;
    t.diagnostic(`fds before ${before.fds}, max under flood ${maxFds}; docker ps before ${before.ps} ms, under flood ${ps.ms} ms; flooder sent ${done.stdout.toString().trim()}`);
    assert.equal(done.code, 0, done.stderr);
    assert.ok(stillFlooding, 'the measures were taken while the flood ran');
    assert.ok(maxFds < FD_LIMIT, `proxy fds under flood: ${maxFds}${logs()}`);
    assert.equal(ps.value.code, 0, ps.value.stderr);
    assert.equal(lookup.code, 0, `${lookup.stdout}${lookup.stderr}`);
    assert.match(lookup.stdout.toString(), new RegExp(`Address:\\s*${SUBNET.replace(/\./g, '\\.')}\\.\\d+`));
  });
});
