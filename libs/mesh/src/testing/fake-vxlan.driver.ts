import { MacTarget, VxlanDriver, VxlanSpec } from '../vxlan/vxlan.driver';

/**
 * The kernel's VXLAN device and FDB in memory, failing as iproute2 does: any FDB call on a device
 * that does not exist rejects `Cannot find device "<name>"`, appending an entry that exists rejects
 * `RTNETLINK answers: File exists`, deleting a missing one `RTNETLINK answers: No such file or
 * directory` (for a MAC entry: one not pointing at that address), and a bridge that does not exist cannot take the device. `failNext` makes the next
 * FDB change fail (a transient netlink error).
 */
export class FakeVxlanDriver implements VxlanDriver {
  readonly bridges = new Set<string>();
  readonly devices = new Map<string, { spec: VxlanSpec; targets: Set<string>; macs: Map<string, string> }>();
  failNext = 0;
  /** Every FDB change made, `+addr` / `-addr`, for asserting that nothing needless was done. */
  readonly changes: string[] = [];

  async ensureDevice(spec: VxlanSpec): Promise<{ mtu: number }> {
    if (!this.bridges.has(spec.bridge)) throw new Error(`Cannot find device "${spec.bridge}"`);
    const current = this.devices.get(spec.name);
    if (!current || JSON.stringify(current.spec) !== JSON.stringify(spec)) this.devices.set(spec.name, { spec, targets: new Set(), macs: new Map() });
    return { mtu: 1450 };
  }

  /** Interface name → its IPv4 addresses. */
  readonly addresses = new Map<string, string[]>([['eth0', ['192.168.77.11']]]);

  async deviceWithAddress(address: string): Promise<string | undefined> {
    return [...this.addresses].find(([, list]) => list.includes(address))?.[0];
  }

  async floodTargets(device: string): Promise<string[]> {
    return [...this.targets(device)].sort();
  }

  async addFloodTarget(device: string, address: string): Promise<void> {
    const targets = this.targets(device);
    this.transient();
    if (targets.has(address)) throw new Error('RTNETLINK answers: File exists');
    targets.add(address);
    this.changes.push(`+${address}`);
  }

  async removeFloodTarget(device: string, address: string): Promise<void> {
    const targets = this.targets(device);
    this.transient();
    if (!targets.delete(address)) throw new Error('RTNETLINK answers: No such file or directory');
    this.changes.push(`-${address}`);
  }

  async macTargets(device: string): Promise<MacTarget[]> {
    return [...this.device(device).macs].map(([mac, address]) => ({ mac, address })).sort((a, b) => a.mac.localeCompare(b.mac));
  }

  async setMacTarget(device: string, t: MacTarget): Promise<void> {
    const macs = this.device(device).macs;
    this.transient();
    macs.set(t.mac, t.address);
    this.changes.push(`${t.mac}>${t.address}`);
  }

  async removeMacTarget(device: string, t: MacTarget): Promise<void> {
    const macs = this.device(device).macs;
    this.transient();
    if (macs.get(t.mac) !== t.address) throw new Error('RTNETLINK answers: No such file or directory');
    macs.delete(t.mac);
    this.changes.push(`-${t.mac}`);
  }

  private targets(device: string): Set<string> {
    return this.device(device).targets;
  }

  private device(name: string): { targets: Set<string>; macs: Map<string, string> } {
    const d = this.devices.get(name);
    if (!d) throw new Error(`Cannot find device "${name}"`);
    return d;
  }

  private transient(): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('RTNETLINK answers: No buffer space available');
    }
  }
}
