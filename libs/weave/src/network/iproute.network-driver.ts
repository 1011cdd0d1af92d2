import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CommandError, CommandRunner } from './command.runner';
import {
  EthweChanges,
  hostVethName,
  InterfaceAddress,
  NetnsHandle,
  NetnsState,
  NetworkDriver,
  peerVethName,
} from './network.driver';
import { ProcessChangedError } from './process-changed.error';
import { cgroupMatches, readIdentity } from './process.identity';

const MULTICAST = '224.0.0.0/4';
/** How a command run with the handle as its fd 3 names the namespace. */
const NS_FD_PATH = '/proc/self/fd/3';

interface IpLink {
  ifname: string;
  flags?: string[];
  address?: string;
  mtu?: number;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

/** An open `/proc/<pid>/ns/net`: commands get it as fd 3 and name it /proc/self/fd/3. */
class FdNetnsHandle implements NetnsHandle {
  private closed = false;
  constructor(
    readonly pid: number,
    private readonly file: fs.FileHandle,
  ) {}

  get fd(): number {
    if (this.closed) throw new Error(`the namespace handle of process ${this.pid} is closed`);
    return this.file.fd;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

/**
 * NetworkDriver on iproute2: one `ip -batch` per step. The namespace is opened once per attach
 * (openNetns) and passed to each command as an open descriptor, never looked up by PID again.
 */
export class IprouteNetworkDriver implements NetworkDriver {
  constructor(
    private readonly cmd: CommandRunner,
    private readonly procRoot = '/proc',
  ) {}

  async ensureBridge(bridge: string): Promise<{ mtu: number }> {
    const existing = await this.linkOf(bridge);
    if (!existing) await this.cmd.run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']).catch(this.unlessExists);
    await this.cmd.run('ip', ['link', 'set', bridge, 'up']);
    await this.ensureForwardAccept(bridge);
    return { mtu: (await this.linkOf(bridge))?.mtu ?? 1500 };
  }

  /** The process is read before and after the open: same start time, so the namespace is its. */
  async openNetns(pid: number, containerId: string): Promise<NetnsHandle> {
    const before = await readIdentity(this.procRoot, pid);
    if (!before) throw new ProcessChangedError(pid, containerId, 'is gone');
    if (!cgroupMatches(before.cgroup, containerId)) throw new ProcessChangedError(pid, containerId, 'belongs to another container');
    const file = await fs.open(path.join(this.procRoot, String(pid), 'ns', 'net'), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ESRCH') throw new ProcessChangedError(pid, containerId, 'is gone');
      throw err;
    });
    const after = await readIdentity(this.procRoot, pid);
    if (after?.startTime !== before.startTime) {
      await file.close();
      throw new ProcessChangedError(pid, containerId, 'was replaced while its namespace was opened');
    }
    return new FdNetnsHandle(pid, file);
  }

  async inspectNetns(ns: NetnsHandle): Promise<NetnsState> {
    const out = await this.inNetns(ns, ['-j', '-batch', '-'], 'addr show\nroute show table main\n');
    const [links, routes] = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown[]);
    const link = (links as IpLink[]).find((l) => l.ifname === 'ethwe');
    const multicastRoute = (routes as Array<{ dst: string; dev?: string }>).some(
      (r) => r.dst === MULTICAST && r.dev === 'ethwe',
    );
    if (!link) return { multicastRoute };
    const addresses = (link.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => ({ address: a.local, prefixLength: a.prefixlen }));
    const flags = link.flags ?? [];
    const ethwe = { up: flags.includes('UP'), carrier: flags.includes('LOWER_UP'), mac: link.address ?? '', addresses };
    return { ethwe, multicastRoute };
  }

  async processAlive(pid: number): Promise<boolean> {
    return fs.access(path.join(this.procRoot, String(pid), 'ns', 'net')).then(
      () => true,
      () => false,
    );
  }

  async createVeth(ns: NetnsHandle, bridge: string, mtu: number): Promise<string> {
    const host = hostVethName(ns.pid);
    const peer = peerVethName(ns.pid);
    // The host end stays down: bringing it up is the gate (openGate), the last step of an attach.
    const batch = [
      `link add ${host} mtu ${mtu} type veth peer name ${peer} mtu ${mtu}`,
      `link set ${host} master ${bridge}`,
      `link set ${peer} netns ${NS_FD_PATH}`,
    ].join('\n') + '\n';
    const run = () => this.cmd.run('ip', ['-batch', '-'], batch, [fdOf(ns)]);
    try {
      await run();
    } catch (err) {
      if (!(err instanceof CommandError && /File exists/.test(err.stderr))) throw err;
      // A leftover of an earlier, interrupted attach of this PID: start again from nothing.
      await this.deleteVeth(ns);
      await run();
    }
    return peer;
  }

  async deleteVeth(ns: NetnsHandle): Promise<void> {
    await this.cmd.run('ip', ['link', 'del', hostVethName(ns.pid)]).catch((err: unknown) => {
      if (!(err instanceof CommandError && /Cannot find device|does not exist/.test(err.stderr))) throw err;
    });
  }

  async configureEthwe(ns: NetnsHandle, c: EthweChanges): Promise<void> {
    const lines: string[] = [];
    if (c.renameFrom) lines.push(`link set ${c.renameFrom} name ethwe`);
    if (c.mac) lines.push(`link set ethwe address ${c.mac}`);
    for (const a of c.remove) lines.push(`addr del ${a.address}/${a.prefixLength} dev ethwe`);
    for (const a of c.add) lines.push(`addr add ${a.address}/${a.prefixLength} dev ethwe`);
    if (c.up) lines.push('link set ethwe up');
    if (c.multicastRoute) lines.push(`route replace ${MULTICAST} dev ethwe`);
    if (lines.length) await this.inNetns(ns, ['-batch', '-'], lines.join('\n') + '\n');
  }

  async openGate(ns: NetnsHandle): Promise<void> {
    fdOf(ns); // a closed handle is a caller's bug, even though this step runs on the host
    await this.cmd.run('ip', ['link', 'set', hostVethName(ns.pid), 'up']);
  }

  private inNetns(ns: NetnsHandle, args: string[], input: string): Promise<string> {
    return this.cmd.run('nsenter', [`--net=${NS_FD_PATH}`, 'ip', ...args], input, [fdOf(ns)]);
  }

  private async linkOf(name: string): Promise<IpLink | undefined> {
    try {
      return (JSON.parse(await this.cmd.run('ip', ['-j', 'link', 'show', 'dev', name])) as IpLink[])[0];
    } catch (err) {
      if (err instanceof CommandError && /does not exist/.test(err.stderr)) return undefined;
      throw err;
    }
  }

  private async ensureForwardAccept(bridge: string): Promise<void> {
    for (const dir of [['-i', bridge], ['-o', bridge]]) {
      const rule = ['FORWARD', ...dir, '-j', 'ACCEPT'];
      await this.cmd.run('iptables', ['-w', '-C', ...rule]).catch(() => this.cmd.run('iptables', ['-w', '-I', ...rule]));
    }
  }

  private readonly unlessExists = (err: unknown): void => {
    if (!(err instanceof CommandError && /File exists/.test(err.stderr))) throw err;
  };
}

function fdOf(ns: NetnsHandle): number {
  if (!(ns instanceof FdNetnsHandle)) throw new Error('IprouteNetworkDriver: a namespace handle of another driver');
  return ns.fd;
}

export function sameAddress(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return a.address === b.address && a.prefixLength === b.prefixLength;
}
