import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { describeResult, docker } from '../docker.cli';
import { uniqueName } from '../names';
import { waitFor } from '../wait';
import { ethweAddresses } from '../weave.helpers';
import { Cluster, ClusterOptions, SimHost, startCluster } from './cluster';

/**
 * Helpers of the cross-host e2e tests (issue 16): containers run through a host's proxy with the
 * docker CLI, commands in them, and the kernel FDB of a host's vxlan-weave device read back.
 */

/**
 * Starts a cluster of `count` hosts before the enclosing `describe`'s tests and stops it after
 * them; answers a getter for it (which throws if it did not start) and one for the proxies' logs.
 */
export function useCluster(count: number, options: ClusterOptions): { cluster: () => Cluster; logs: () => string } {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(count, options);
  });
  after(async () => {
    await cluster?.stop();
  });
  const get = (): Cluster => {
    assert.ok(cluster, 'the cluster started');
    return cluster;
  };
  return { cluster: get, logs: () => proxyLogs(cluster, 1200) };
}

/** The last lines of every proxy's log, for failure messages. */
export function proxyLogs(cluster: Cluster | undefined, chars = 1500): string {
  return (cluster?.hosts ?? []).map((h) => `\nproxy ${h.name} log (tail):\n${h.proxy.logs().slice(-chars)}`).join('');
}

export interface RunOptions {
  /** WEAVE_CIDR; omitted: `WEAVE_CIDR=` (IPAM allocates). */
  cidr?: string;
  /** The command; default `sleep 300`. */
  cmd?: string[];
}

/** A running container on `h`, made through its proxy; answers its name and its ethwe address (no prefix). */
export async function runOn(cluster: Cluster, h: SimHost, label: string, opts: RunOptions = {}): Promise<{ name: string; address: string }> {
  const name = uniqueName(label);
  const args = ['run', '-d', '--name', name, '-e', `WEAVE_CIDR=${opts.cidr ?? ''}`, 'busybox:local', ...(opts.cmd ?? ['sleep', '300'])];
  const r = await docker(args, { host: h.proxy.url, timeoutMs: 60_000 });
  assert.equal(r.code, 0, describeResult(args, r) + proxyLogs(cluster));
  const addrs = await ethweAddresses(name, h.dockerd.url);
  assert.equal(addrs?.length, 1, `${name} on ${h.name}: ${JSON.stringify(addrs)}`);
  return { name, address: addrs![0].split('/')[0] };
}

/** A busybox httpd on `h` serving `/www/index.html` = `body` on port 80. */
export function httpdOn(cluster: Cluster, h: SimHost, label: string, body: string, cidr?: string): Promise<{ name: string; address: string }> {
  const script = `mkdir -p /www && echo ${body} > /www/index.html && exec httpd -f -p 80 -h /www`;
  return runOn(cluster, h, label, { cidr, cmd: ['sh', '-c', script] });
}

/** Runs `args` in `container` on `h` (straight to its dockerd); answers exit code and output. */
export async function execOn(h: SimHost, container: string, args: string[], timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  const r = await docker(['exec', container, ...args], { host: h.dockerd.url, timeoutMs });
  return { code: r.code, out: `${r.stdout.toString()}${r.stderr}` };
}

/** ethwe's MAC in `container` on `h`, lower case. */
export async function ethweMac(h: SimHost, container: string): Promise<string> {
  const r = await execOn(h, container, ['cat', '/sys/class/net/ethwe/address']);
  assert.equal(r.code, 0, r.out);
  return r.out.trim().toLowerCase();
}

/**
 * The unicast entries of the host's vxlan-weave device, `<mac>><underlay address>` sorted (bridge(8)
 * `fdb show`: the device's own entries carry `dst`; the bridge's learnt ones, `master weave`, do not).
 */
export async function macTargets(h: SimHost): Promise<string[]> {
  const out = await h.exec('bridge', ['-j', 'fdb', 'show', 'dev', 'vxlan-weave']).catch(() => '[]');
  return (JSON.parse(out || '[]') as Array<{ mac: string; dst?: string; master?: string }>)
    .filter((e) => e.mac !== '00:00:00:00:00:00' && e.dst && !e.master)
    .map((e) => `${e.mac}>${e.dst}`)
    .sort();
}

/** The all-zero (flood) entries of the host's vxlan-weave device: the peers BUM traffic goes to. */
export async function floodTargets(h: SimHost): Promise<string[]> {
  const out = await h.exec('bridge', ['-j', 'fdb', 'show', 'dev', 'vxlan-weave']).catch(() => '[]');
  return (JSON.parse(out || '[]') as Array<{ mac: string; dst?: string }>)
    .filter((e) => e.mac === '00:00:00:00:00:00' && e.dst)
    .map((e) => e.dst!)
    .sort();
}

/** Polls `nslookup <name>` in `container` on `h` until `ok(output)`; answers the output. */
export async function lookupUntil(h: SimHost, container: string, name: string, ok: (out: string) => boolean, describe: () => string): Promise<string> {
  let last = '';
  return waitFor(`nslookup ${name} on ${h.name}`, async () => {
    last = (await execOn(h, container, ['nslookup', name])).out;
    return ok(last) ? last : undefined;
  }, { timeoutMs: 20_000, intervalMs: 300, describe: () => `${last}${describe()}` });
}
