import { hostVethName, InterfaceAddress, NetnsHandle, peerVethName } from '../network/network.driver';
import { Ipv4Cidr } from '@app/common';
import { formatCidr } from '../cidr/weave-cidr.parser';

export interface FakeLink {
  up: boolean;
  mac: string;
  addresses: InterfaceAddress[];
  /** The host end of the veth pair this link is the container end of. */
  peer?: string;
}

export interface FakeNetns {
  links: Map<string, FakeLink>;
  multicastRoute: boolean;
  /** The container whose process this is (openNetns checks it when set). */
  owner?: string;
  /** Open handles: a namespace whose process died lives on while one is open, as in the kernel. */
  handles: number;
  dead: boolean;
}

/** A link on the host: the host end of a pair (on a bridge or not), or a container end not moved yet. */
export interface HostLink {
  bridge?: string;
  up: boolean;
  /** For a container end still on the host: its host end. */
  peerOf?: string;
}

/** A namespace as an earlier (possibly interrupted) attach or the outside world left it. */
export interface NetnsSeed {
  ethwe?: { up?: boolean; addresses?: string[]; carrier?: boolean };
  multicastRoute?: boolean;
  /** The container end of a pair moved in but never renamed (an attach cut short after createVeth). */
  strayPeer?: boolean;
  /** The container the process belongs to; openNetns with another id is a reused PID. */
  owner?: string;
}

/** What a test asserts about `ethwe`: addresses as sorted CIDR strings. */
export interface EthweView {
  up: boolean;
  carrier: boolean;
  mac: string;
  addresses: string[];
}

export function parseCidr(cidr: string): InterfaceAddress {
  const parsed = Ipv4Cidr.parse(cidr);
  return { address: parsed.address.toString(), prefixLength: parsed.prefixLength };
}

export class FakeHandle implements NetnsHandle {
  closed = false;
  constructor(
    readonly pid: number,
    readonly ns: FakeNetns,
    private readonly onClose: (h: FakeHandle) => void,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

/**
 * What exists on a fake host: network namespaces keyed by PID (a started container's), the host
 * ends of veth pairs and container ends not moved yet, with the kernel's rules for them (deleting
 * one end of a pair deletes the other; a namespace lives while a handle holds it). Tests seed it
 * (addNetns, removeNetns, reusePid) and read it (ethwe, linksIn, hostVeths); FakeNetworkDriver
 * changes it the way iproute2 would.
 */
export class FakeHostNetwork {
  protected readonly namespaces = new Map<number, FakeNetns>();
  protected readonly hostLinks = new Map<string, HostLink>();
  private macs = 0;

  /** A process with its own network namespace (a started container). */
  addNetns(pid: number, seed: NetnsSeed = {}): this {
    const ns: FakeNetns = { links: new Map(), multicastRoute: seed.multicastRoute ?? false, owner: seed.owner, handles: 0, dead: false };
    this.namespaces.set(pid, ns);
    const host = hostVethName(pid);
    if (seed.ethwe || seed.strayPeer) {
      this.hostLinks.set(host, { bridge: 'weave', up: seed.ethwe?.carrier ?? true });
    }
    if (seed.ethwe) {
      const addresses = (seed.ethwe.addresses ?? []).map(parseCidr);
      ns.links.set('ethwe', { up: seed.ethwe.up ?? true, mac: this.mac(), addresses, peer: host });
    }
    if (seed.strayPeer) ns.links.set(peerVethName(pid), { up: false, mac: this.mac(), addresses: [], peer: host });
    return this;
  }

  /** The process died: its namespace goes (with the pairs in it) once no handle holds it. */
  removeNetns(pid: number): void {
    const ns = this.namespaces.get(pid);
    this.namespaces.delete(pid);
    if (!ns) return;
    ns.dead = true;
    if (ns.handles === 0) this.destroy(ns);
  }

  /** The PID now names another process (a new container's, or nobody's namespace of ours). */
  reusePid(pid: number, seed: NetnsSeed = {}): this {
    this.removeNetns(pid);
    return this.addNetns(pid, seed);
  }

  hasNetns(pid: number): boolean {
    return this.namespaces.has(pid);
  }

  ethwe(pid: number): EthweView | undefined {
    const link = this.ns(pid).links.get('ethwe');
    if (!link) return undefined;
    const carrier = link.up && Boolean(link.peer && this.hostLinks.get(link.peer)?.up);
    return { up: link.up, carrier, mac: link.mac, addresses: link.addresses.map(cidrOf).sort() };
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

  /** Host ends of veth pairs, and container ends never moved into a namespace, sorted. */
  hostVeths(): string[] {
    return [...this.hostLinks.keys()].sort();
  }

  protected ns(pid: number): FakeNetns {
    const ns = this.namespaces.get(pid);
    if (!ns) throw new Error(`nsenter: cannot open /proc/${pid}/ns/net: No such file or directory`);
    return ns;
  }

  protected rename(ns: FakeNetns, from: string, to: string): void {
    const link = ns.links.get(from);
    if (!link) throw new Error(`Cannot find device "${from}"`);
    if (ns.links.has(to)) throw new Error('RTNETLINK answers: File exists');
    ns.links.delete(from);
    ns.links.set(to, link);
  }

  // Deleting one end of a veth pair deletes the other, wherever it is and whatever it is called.
  protected removePair(host: string): void {
    this.hostLinks.delete(host);
    for (const [name, link] of this.hostLinks) if (link.peerOf === host) this.hostLinks.delete(name);
    for (const ns of [...this.namespaces.values()]) {
      for (const [name, link] of ns.links) if (link.peer === host) ns.links.delete(name);
    }
  }

  // A namespace going away takes its veth ends, and so their pairs, with it.
  protected destroy(ns: FakeNetns): void {
    for (const link of ns.links.values()) if (link.peer) this.removePair(link.peer);
    ns.links.clear();
  }

  protected mac(): string {
    const n = ++this.macs;
    return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
  }
}

export function addAddress(link: FakeLink, a: InterfaceAddress): void {
  if (link.addresses.some((x) => same(x, a))) throw new Error('RTNETLINK answers: File exists');
  link.addresses.push({ ...a });
}

export function removeAddress(link: FakeLink, r: InterfaceAddress): void {
  const i = link.addresses.findIndex((a) => same(a, r));
  if (i < 0) throw new Error('RTNETLINK answers: Cannot assign requested address');
  link.addresses.splice(i, 1);
}

function same(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return a.address === b.address && a.prefixLength === b.prefixLength;
}

function cidrOf(a: InterfaceAddress): string {
  return formatCidr(a.address, a.prefixLength);
}
