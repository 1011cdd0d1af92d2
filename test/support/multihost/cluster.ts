import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProxyHandle, startProxy } from '../proxy.harness';
import { inNetns, runIn } from './exec';
import { HostDockerd, copyImages, startHostDockerd } from './host.dockerd';
import { addNetns, delNetns, netnsName } from './netns';
import { sweepStale } from './sweep';
import { UnderlayEtcd, startUnderlayEtcd } from './underlay.etcd';
import { UNDERLAY_GATEWAY, Underlay, startUnderlay } from './underlay';

/** One simulated host: its namespace, dockerd and proxy. */
export interface SimHost {
  /** 1-based. */
  readonly index: number;
  /** `a`, `b`, `c`, ... */
  readonly name: string;
  readonly netns: string;
  /** Everything of this host on disk (dockerd roots, proxy state dir, logs). */
  readonly dir: string;
  /** Its address on the underlay (192.168.77.(10+index)). */
  readonly underlayAddress: string;
  readonly dockerd: HostDockerd;
  /** The proxy, listening on `unix://<dir>/proxy.sock`: `docker({ host: proxy.url })`. */
  proxy: ProxyHandle;
  /** Runs a command in the host's namespace (`ip`, `bridge`, ...). */
  exec(cmd: string, args: string[]): Promise<string>;
  /** Starts (again) the proxy of this host after `proxy.stop()`. */
  restartProxy(): Promise<ProxyHandle>;
}

export interface ClusterOptions {
  /** Images copied from the machine's dockerd to each host; default busybox:local. */
  images?: string[];
  /** The proxy's flags beyond -L, -H and --store; default `--state-dir <dir>/state`. */
  proxyArgs?: (host: { name: string; dir: string }) => string[];
}

export interface Cluster {
  readonly hosts: SimHost[];
  readonly etcd: UnderlayEtcd;
  readonly underlay: Underlay;
  /** Brings up one more host (index hosts.length + 1) and answers it. */
  addHost(): Promise<SimHost>;
  /** Stops everything this cluster made, in reverse order; never throws. */
  stop(): Promise<void>;
}

type Cleanup = () => Promise<unknown>;

/**
 * Brings up `count` hosts on one underlay with etcd. On failure everything made so far is removed
 * before the error propagates; leftovers of earlier, killed runs are swept first.
 */
export async function startCluster(count: number, options: ClusterOptions = {}): Promise<Cluster> {
  await sweepStale();
  const cleanups: Cleanup[] = [];
  const stop = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `${netnsName('')}`));
    cleanups.push(async () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 }));
    const underlay = await startUnderlay();
    cleanups.push(() => underlay.stop());
    const etcd = await startUnderlayEtcd(underlay.netns, UNDERLAY_GATEWAY, root);
    cleanups.push(() => etcd.stop());
    const hosts: SimHost[] = [];
    const ctx = { root, underlay, etcd, options, cleanups };
    const added = await Promise.allSettled(Array.from({ length: count }, (_, i) => startHost(ctx, i + 1)));
    for (const r of added) if (r.status === 'rejected') throw r.reason;
    hosts.push(...added.map((r) => (r as PromiseFulfilledResult<SimHost>).value));
    const addHost = async (): Promise<SimHost> => {
      const host = await startHost(ctx, hosts.length + 1);
      hosts.push(host);
      return host;
    };
    return { hosts, etcd, underlay, addHost, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface HostContext {
  root: string;
  underlay: Underlay;
  etcd: UnderlayEtcd;
  options: ClusterOptions;
  cleanups: Cleanup[];
}

async function startHost(ctx: HostContext, index: number): Promise<SimHost> {
  const name = String.fromCharCode('a'.charCodeAt(0) + index - 1);
  const netns = netnsName(`h${name}`);
  const dir = path.join(ctx.root, name);
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  await addNetns(netns);
  ctx.cleanups.push(() => delNetns(netns));
  const underlayAddress = await ctx.underlay.plug(index, netns);
  const dockerd = await startHostDockerd(netns, dir, index);
  ctx.cleanups.push(() => dockerd.stop());
  await copyImages(ctx.options.images ?? ['busybox:local'], dockerd.url);
  const args = ['--store', ctx.etcd.storeUrl, ...(ctx.options.proxyArgs?.({ name, dir }) ?? ['--state-dir', path.join(dir, 'state')])];
  const launch = () =>
    startProxy(args, { dockerHost: dockerd.url, listen: `unix://${path.join(dir, 'proxy.sock')}`, wrapper: inNetns(netns) });
  const host: SimHost = {
    index, name, netns, dir, underlayAddress, dockerd,
    proxy: await launch(),
    exec: (cmd, cmdArgs) => runIn(netns, cmd, cmdArgs),
    restartProxy: async () => (host.proxy = await launch()),
  };
  ctx.cleanups.push(() => host.proxy.stop());
  return host;
}
