import {
  EthweChanges,
  hostVethName,
  InterfaceAddress,
  NetnsState,
  NetworkDriver,
  peerVethName,
} from '../network/network.driver';
import { Ipv4Cidr } from '@app/common';
import { formatCidr } from '../cidr/weave-cidr.parser';

type Method = keyof NetworkDriver;

interface FakeLink {
  up: boolean;
  mac: string;
  addresses: InterfaceAddress[];
  /** The host end of the veth pair this link is the container end of. */
  peer?: string;
}

interface FakeNetns {
  links: Map<string, FakeLink>;
  multicastRoute: boolean;
}

/** A namespace as an earlier (possibly interrupted) attach or the outside world left it. */
export interface NetnsSeed {
  ethwe?: { up?: boolean; addresses?: string[] };
  multicastRoute?: boolean;
  /** The container end of a pair moved in but never renamed (an attach cut short after createVeth). */
  strayPeer?: boolean;
}

/** What a test asserts about `ethwe`: addresses as sorted CIDR strings. */
export interface EthweView {
  up: boolean;
  mac: string;
  addresses: string[];
}

export function parseCidr(cidr: string): InterfaceAddress {
  const parsed = Ipv4Cidr.parse(cidr);
  return { address: parsed.address.toString(), prefixLength: parsed.prefixLength };
}

export function hasChanges(c: EthweChanges): boolean {
  return Boolean(c.renameFrom) || c.add.length > 0 || c.remove.length > 0 || c.up || c.multicastRoute;
}

/**
 * An in-memory NetworkDriver: namespaces keyed by PID, the bridge and the host ends of veth
 * pairs. It is as strict as iproute2 where that matters (adding an address twice, removing one
 * that is not there, a route on a down link, a rename of a missing link all fail), so a converger
 * asking for a wrong change fails here as it would on a host. Failures can be injected per method.
 */
export class FakeNetworkDriver implements NetworkDriver {
  readonly bridges = new Map<string, { mtu: number }>();
  /** Every configureEthwe call, including those that changed nothing or failed. */
  readonly configureCalls: Array<{ pid: number; changes: EthweChanges }> = [];
  readonly calls: Record<Method, number> = {
    ensureBridge: 0,
    inspectNetns: 0,
    createVeth: 0,
    deleteVeth: 0,
    configureEthwe: 0,
    processAlive: 0,
  };
  private readonly namespaces = new Map<number, FakeNetns>();
  private readonly hostLinks = new Map<string, string>(); // host veth end → bridge
  private readonly failures = new Map<Method, Error[]>();
  private macs = 0;

  constructor(private readonly bridgeMtu = 1376) {}

  /** A process with its own network namespace (a started container). */
  addNetns(pid: number, seed: NetnsSeed = {}): this {
    const ns: FakeNetns = { links: new Map(), multicastRoute: seed.multicastRoute ?? false };
    this.namespaces.set(pid, ns);
    const host = hostVethName(pid);
    if (seed.ethwe || seed.strayPeer) this.hostLinks.set(host, 'weave');
    if (seed.ethwe) {
      const addresses = (seed.ethwe.addresses ?? []).map(parseCidr);
      ns.links.set('ethwe', { up: seed.ethwe.up ?? true, mac: this.mac(), addresses, peer: host });
    }
    if (seed.strayPeer) ns.links.set(peerVethName(pid), { up: false, mac: this.mac(), addresses: [], peer: host });
    return this;
  }

  /** The process died: its namespace and the container ends in it are gone with it. */
  removeNetns(pid: number): void {
    this.namespaces.delete(pid);
    this.hostLinks.delete(hostVethName(pid));
  }

  /** The next call of `method` fails with `error` (queued: call twice to fail twice). */
  failNext(method: Method, error: Error = new Error(`injected ${method} failure`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  async ensureBridge(bridge: string): Promise<{ mtu: number }> {
    this.enter('ensureBridge');
    if (!this.bridges.has(bridge)) this.bridges.set(bridge, { mtu: this.bridgeMtu });
    return { mtu: this.bridges.get(bridge)!.mtu };
  }

  async processAlive(pid: number): Promise<boolean> {
    return this.namespaces.has(pid);
  }

  async inspectNetns(pid: number): Promise<NetnsState> {
    this.enter('inspectNetns');
    const ns = this.ns(pid);
    const ethwe = ns.links.get('ethwe');
    if (!ethwe) return { multicastRoute: ns.multicastRoute };
    const copy = { up: ethwe.up, mac: ethwe.mac, addresses: ethwe.addresses.map((a) => ({ ...a })) };
    return { ethwe: copy, multicastRoute: ns.multicastRoute };
  }

  async createVeth(pid: number, bridge: string, _mtu: number): Promise<string> {
    this.enter('createVeth');
    const ns = this.ns(pid);
    if (!this.bridges.has(bridge)) throw new Error(`Cannot find device "${bridge}"`);
    this.removePair(pid); // like the iproute driver: a leftover pair of this PID goes first
    const host = hostVethName(pid);
    this.hostLinks.set(host, bridge);
    ns.links.set(peerVethName(pid), { up: false, mac: this.mac(), addresses: [], peer: host });
    return peerVethName(pid);
  }

  async deleteVeth(pid: number): Promise<void> {
    this.enter('deleteVeth');
    this.removePair(pid);
  }

  async configureEthwe(pid: number, changes: EthweChanges): Promise<void> {
    this.configureCalls.push({ pid, changes: structuredClone(changes) });
    this.enter('configureEthwe');
    if (!hasChanges(changes)) return; // the iproute driver runs nothing then
    const ns = this.ns(pid);
    if (changes.renameFrom) this.rename(ns, changes.renameFrom, 'ethwe');
    const ethwe = ns.links.get('ethwe');
    if (!ethwe) throw new Error('Cannot find device "ethwe"');
    for (const r of changes.remove) {
      const i = ethwe.addresses.findIndex((a) => same(a, r));
      if (i < 0) throw new Error('RTNETLINK answers: Cannot assign requested address');
      ethwe.addresses.splice(i, 1);
    }
    for (const a of changes.add) {
      if (ethwe.addresses.some((x) => same(x, a))) throw new Error('RTNETLINK answers: File exists');
      ethwe.addresses.push({ ...a });
    }
    if (changes.up) ethwe.up = true;
    if (changes.multicastRoute) {
      if (!ethwe.up) throw new Error('RTNETLINK answers: Network is down');
      ns.multicastRoute = true;
    }
  }

  // ---- inspection helpers for assertions ----

  hasNetns(pid: number): boolean {
    return this.namespaces.has(pid);
  }

  ethwe(pid: number): EthweView | undefined {
    const link = this.ns(pid).links.get('ethwe');
    return link && { up: link.up, mac: link.mac, addresses: link.addresses.map(cidrOf).sort() };
  }

  addressesOf(pid: number): string[] {
    return this.ethwe(pid)?.addresses ?? [];
  }

  /** Names of the links inside the namespace, sorted (loopback is not modelled). */
  linksIn(pid: number): string[] {
    return [...this.ns(pid).links.keys()].sort();
  }

  multicastRoute(pid: number): boolean {
    return this.ns(pid).multicastRoute;
  }

  /** Host ends of veth pairs, sorted. */
  hostVeths(): string[] {
    return [...this.hostLinks.keys()].sort();
  }

  /** configureEthwe calls that asked for at least one change. */
  changingConfigureCalls(): Array<{ pid: number; changes: EthweChanges }> {
    return this.configureCalls.filter((c) => hasChanges(c.changes));
  }

  private enter(method: Method): void {
    this.calls[method]++;
    const err = this.failures.get(method)?.shift();
    if (err) throw err;
  }

  private ns(pid: number): FakeNetns {
    const ns = this.namespaces.get(pid);
    if (!ns) throw new Error(`nsenter: cannot open /proc/${pid}/ns/net: No such file or directory`);
    return ns;
  }

  private rename(ns: FakeNetns, from: string, to: string): void {
    const link = ns.links.get(from);
    if (!link) throw new Error(`Cannot find device "${from}"`);
    if (ns.links.has(to)) throw new Error('RTNETLINK answers: File exists');
    ns.links.delete(from);
    ns.links.set(to, link);
  }

  // Deleting one end of a veth pair deletes the other, wherever it is and whatever it is called.
  private removePair(pid: number): void {
    const host = hostVethName(pid);
    this.hostLinks.delete(host);
    const ns = this.namespaces.get(pid);
    for (const [name, link] of ns?.links ?? []) if (link.peer === host) ns!.links.delete(name);
  }

  private mac(): string {
    const n = ++this.macs;
    return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
  }
}

function same(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return a.address === b.address && a.prefixLength === b.prefixLength;
}

function cidrOf(a: InterfaceAddress): string {
  return formatCidr(a.address, a.prefixLength);
}
