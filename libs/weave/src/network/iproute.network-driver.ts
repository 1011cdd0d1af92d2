import * as fs from 'node:fs';
import { CommandError, CommandRunner } from './command.runner';
import {
  EthweChanges,
  hostVethName,
  InterfaceAddress,
  NetnsState,
  NetworkDriver,
  peerVethName,
} from './network.driver';

const MULTICAST = '224.0.0.0/4';

interface IpLink {
  ifname: string;
  flags?: string[];
  address?: string;
  mtu?: number;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

/**
 * NetworkDriver on iproute2: one `ip -batch` per namespace and step, so attaching a new container
 * costs three short processes. Namespaces are entered by PID with nsenter; nothing is named.
 */
export class IprouteNetworkDriver implements NetworkDriver {
  constructor(private readonly cmd: CommandRunner) {}

  async ensureBridge(bridge: string): Promise<{ mtu: number }> {
    const existing = await this.linkOf(bridge);
    if (!existing) await this.cmd.run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']).catch(this.unlessExists);
    await this.cmd.run('ip', ['link', 'set', bridge, 'up']);
    await this.ensureForwardAccept(bridge);
    return { mtu: (await this.linkOf(bridge))?.mtu ?? 1500 };
  }

  async inspectNetns(pid: number): Promise<NetnsState> {
    const out = await this.inNetns(pid, ['-j', '-batch', '-'], 'addr show\nroute show table main\n');
    const [links, routes] = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown[]);
    const link = (links as IpLink[]).find((l) => l.ifname === 'ethwe');
    const multicastRoute = (routes as Array<{ dst: string; dev?: string }>).some(
      (r) => r.dst === MULTICAST && r.dev === 'ethwe',
    );
    if (!link) return { multicastRoute };
    const addresses = (link.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => ({ address: a.local, prefixLength: a.prefixlen }));
    return { ethwe: { up: (link.flags ?? []).includes('UP'), mac: link.address ?? '', addresses }, multicastRoute };
  }

  async processAlive(pid: number): Promise<boolean> {
    return fs.promises.access(`/proc/${pid}/ns/net`).then(
      () => true,
      () => false,
    );
  }

  async createVeth(pid: number, bridge: string, mtu: number): Promise<string> {
    const host = hostVethName(pid);
    const peer = peerVethName(pid);
    const batch = [
      `link add ${host} mtu ${mtu} type veth peer name ${peer} mtu ${mtu}`,
      `link set ${host} master ${bridge}`,
      `link set ${host} up`,
      `link set ${peer} netns ${pid}`,
    ].join('\n') + '\n';
    try {
      await this.cmd.run('ip', ['-batch', '-'], batch);
    } catch (err) {
      if (!(err instanceof CommandError && /File exists/.test(err.stderr))) throw err;
      // A leftover of an earlier, interrupted attach of this PID: start again from nothing.
      await this.deleteVeth(pid);
      await this.cmd.run('ip', ['-batch', '-'], batch);
    }
    return peer;
  }

  async deleteVeth(pid: number): Promise<void> {
    await this.cmd.run('ip', ['link', 'del', hostVethName(pid)]).catch((err: unknown) => {
      if (!(err instanceof CommandError && /Cannot find device|does not exist/.test(err.stderr))) throw err;
    });
  }

  async configureEthwe(pid: number, c: EthweChanges): Promise<void> {
    const lines: string[] = [];
    if (c.renameFrom) lines.push(`link set ${c.renameFrom} name ethwe`);
    for (const a of c.remove) lines.push(`addr del ${a.address}/${a.prefixLength} dev ethwe`);
    for (const a of c.add) lines.push(`addr add ${a.address}/${a.prefixLength} dev ethwe`);
    if (c.up) lines.push('link set ethwe up');
    if (c.multicastRoute) lines.push(`route replace ${MULTICAST} dev ethwe`);
    if (lines.length) await this.inNetns(pid, ['-batch', '-'], lines.join('\n') + '\n');
  }

  private inNetns(pid: number, args: string[], input: string): Promise<string> {
    return this.cmd.run('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', ...args], input);
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

export function sameAddress(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return a.address === b.address && a.prefixLength === b.prefixLength;
}
