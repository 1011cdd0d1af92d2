import { CommandRunner } from '@app/weave';
import { MacTarget, VxlanDriver, VxlanSpec } from './vxlan.driver';

const ZERO_MAC = '00:00:00:00:00:00';

interface LinkJson {
  mtu: number;
  master?: string;
  operstate?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string; link?: string } };
}

/**
 * The VXLAN port on iproute2 (`ip -j -d link`, `ip link add ... type vxlan`, `bridge -j fdb`; see
 * bridge(8) for `fdb append/replace/del ... dst`, RFC 7348 §4 for the forwarding table).
 * `nolearning`: remote MACs are never learnt from traffic; BUM frames go to every all-zero entry
 * (head-end replication), so ARP works across hosts without multicast on the underlay.
 */
export class IprouteVxlanDriver implements VxlanDriver {
  constructor(private readonly runner: CommandRunner) {}

  async ensureDevice(spec: VxlanSpec): Promise<{ mtu: number }> {
    let link = await this.link(spec.name);
    if (link && !matches(link, spec)) {
      await this.runner.run('ip', ['link', 'del', spec.name]);
      link = undefined;
    }
    if (!link) {
      await this.runner.run('ip', ['link', 'add', spec.name, 'type', 'vxlan', 'id', String(spec.vni), 'dstport', String(spec.port),
        'dev', spec.underlayDevice, 'local', spec.localAddress, 'nolearning']);
    }
    await this.runner.run('ip', ['link', 'set', spec.name, 'master', spec.bridge, 'up']);
    return { mtu: (await this.link(spec.name))!.mtu };
  }

  async deviceWithAddress(address: string): Promise<string | undefined> {
    const links = JSON.parse(await this.runner.run('ip', ['-j', '-4', 'addr', 'show'])) as Array<{ ifname: string; addr_info?: Array<{ local?: string }> }>;
    return links.find((l) => l.addr_info?.some((a) => a.local === address))?.ifname;
  }

  async floodTargets(device: string): Promise<string[]> {
    return (await this.fdb(device)).filter((e) => e.mac === ZERO_MAC).map((e) => e.dst);
  }

  async macTargets(device: string): Promise<MacTarget[]> {
    const entries = (await this.fdb(device)).filter((e) => e.mac !== ZERO_MAC);
    return entries.map((e) => ({ mac: e.mac, address: e.dst })).sort((a, b) => a.mac.localeCompare(b.mac));
  }

  async setMacTarget(device: string, t: MacTarget): Promise<void> {
    await this.runner.run('bridge', ['fdb', 'replace', t.mac, 'dev', device, 'dst', t.address]);
  }

  async removeMacTarget(device: string, t: MacTarget): Promise<void> {
    await this.runner.run('bridge', ['fdb', 'del', t.mac, 'dev', device, 'dst', t.address]);
  }

  /**
   * The device's own FDB entries (`self`, with a `dst`); the bridge's entries learnt on this port
   * (`master weave`, no `dst`) are the bridge's business and left out.
   */
  private async fdb(device: string): Promise<Array<{ mac: string; dst: string }>> {
    const out = await this.runner.run('bridge', ['-j', 'fdb', 'show', 'dev', device]);
    const entries = JSON.parse(out || '[]') as Array<{ mac: string; dst?: string; master?: string }>;
    return entries.filter((e): e is { mac: string; dst: string } => Boolean(e.dst) && !e.master).map((e) => ({ mac: e.mac.toLowerCase(), dst: e.dst }));
  }

  async addFloodTarget(device: string, address: string): Promise<void> {
    await this.runner.run('bridge', ['fdb', 'append', ZERO_MAC, 'dev', device, 'dst', address]);
  }

  async removeFloodTarget(device: string, address: string): Promise<void> {
    await this.runner.run('bridge', ['fdb', 'del', ZERO_MAC, 'dev', device, 'dst', address]);
  }

  private async link(name: string): Promise<LinkJson | undefined> {
    try {
      return (JSON.parse(await this.runner.run('ip', ['-j', '-d', 'link', 'show', 'dev', name])) as LinkJson[])[0];
    } catch (err) {
      if (/does not exist|Cannot find device/.test((err as Error).message)) return undefined;
      throw err;
    }
  }
}

function matches(link: LinkJson, spec: VxlanSpec): boolean {
  const data = link.linkinfo?.info_data;
  return link.linkinfo?.info_kind === 'vxlan' && data?.id === spec.vni && data.port === spec.port &&
    data.local === spec.localAddress && data.link === spec.underlayDevice;
}
