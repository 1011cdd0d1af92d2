import {
  EthweChanges,
  hostVethName,
  InterfaceAddress,
  NetnsHandle,
  NetnsState,
  NetworkDriver,
  peerVethName,
} from '../network/network.driver';
import { Ipv4Cidr } from '@app/common';
import { ProcessChangedError } from '../network/process-changed.error';
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
  /** The container whose process this is (openNetns checks it when set). */
  owner?: string;
  /** Open handles: a namespace whose process died lives on while one is open, as in the kernel. */
  handles: number;
  dead: boolean;
}

/** A link on the host: the host end of a pair (on a bridge or not), or a container end not moved yet. */
interface HostLink {
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

export function hasChanges(c: EthweChanges): boolean {
  return Boolean(c.renameFrom || c.mac) || c.add.length > 0 || c.remove.length > 0 || c.up || c.multicastRoute;
}

class FakeHandle implements NetnsHandle {
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

/** A failure to inject: `after` sub-steps of the call are applied first (a batch that stops halfway). */
interface Failure {
  error: Error;
  after: number;
}

/**
 * An in-memory NetworkDriver: namespaces keyed by PID, the bridge and the host ends of veth
 * pairs. It is as strict as iproute2 where that matters (adding an address twice, removing one
 * that is not there, a route on a down link, a rename of a missing link all fail), and like
 * iproute2's `-batch` a call can stop halfway, leaving what it did so far (failNext's `after`).
 * A handle keeps acting on the namespace it opened, whatever the PID names later.
 */
export class FakeNetworkDriver implements NetworkDriver {
  readonly bridges = new Map<string, { mtu: number }>();
  /** Every configureEthwe call, including those that changed nothing or failed. */
  readonly configureCalls: Array<{ pid: number; changes: EthweChanges }> = [];
  readonly calls: Record<Method, number> = {
    ensureBridge: 0,
    openNetns: 0,
    inspectNetns: 0,
    createVeth: 0,
    deleteVeth: 0,
    configureEthwe: 0,
    openGate: 0,
    processAlive: 0,
  };
  /** Handles opened and not closed yet. */
  openHandles = 0;
  private readonly namespaces = new Map<number, FakeNetns>();
  private readonly hostLinks = new Map<string, HostLink>();
  private readonly failures = new Map<Method, Failure[]>();
  private macs = 0;

  constructor(private readonly bridgeMtu = 1376) {}

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

  /**
   * The next call of `method` fails with `error` (queued: call twice to fail twice), after
   * applying its first `after` sub-steps (createVeth: link add, master, move into the namespace;
   * configureEthwe: its changes in order).
   */
  failNext(method: Method, error: Error = new Error(`injected ${method} failure`), after = 0): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), { error, after }]);
    return this;
  }

  async ensureBridge(bridge: string): Promise<{ mtu: number }> {
    this.enter('ensureBridge');
    if (!this.bridges.has(bridge)) this.bridges.set(bridge, { mtu: this.bridgeMtu });
    return { mtu: this.bridges.get(bridge)!.mtu };
  }

  async openNetns(pid: number, containerId: string): Promise<NetnsHandle> {
    this.enter('openNetns');
    const ns = this.namespaces.get(pid);
    if (!ns) throw new ProcessChangedError(pid, containerId, 'is gone');
    if (ns.owner && ns.owner !== containerId) throw new ProcessChangedError(pid, containerId, 'belongs to another container');
    ns.handles++;
    this.openHandles++;
    return new FakeHandle(pid, ns, (h) => {
      h.ns.handles--;
      this.openHandles--;
      if (h.ns.dead && h.ns.handles === 0) this.destroy(h.ns);
    });
  }

  async processAlive(pid: number): Promise<boolean> {
    return this.namespaces.has(pid);
  }

  async inspectNetns(handle: NetnsHandle): Promise<NetnsState> {
    this.enter('inspectNetns');
    const ns = this.nsOf(handle);
    const ethwe = ns.links.get('ethwe');
    if (!ethwe) return { multicastRoute: ns.multicastRoute };
    const carrier = ethwe.up && Boolean(ethwe.peer && this.hostLinks.get(ethwe.peer)?.up);
    const copy = { up: ethwe.up, carrier, mac: ethwe.mac, addresses: ethwe.addresses.map((a) => ({ ...a })) };
    return { ethwe: copy, multicastRoute: ns.multicastRoute };
  }

  async createVeth(handle: NetnsHandle, bridge: string, _mtu: number): Promise<string> {
    const ns = this.nsOf(handle);
    const host = hostVethName(handle.pid);
    const peer = peerVethName(handle.pid);
    this.removePair(host); // like the iproute driver: a leftover pair of this PID goes first
    this.run('createVeth', [
      () => {
        this.hostLinks.set(host, { up: false });
        this.hostLinks.set(peer, { up: false, peerOf: host });
      },
      () => {
        if (!this.bridges.has(bridge)) throw new Error(`Cannot find device "${bridge}"`);
        this.hostLinks.get(host)!.bridge = bridge;
      },
      () => {
        this.hostLinks.delete(peer);
        ns.links.set(peer, { up: false, mac: this.mac(), addresses: [], peer: host });
      },
    ]);
    return peer;
  }

  async deleteVeth(handle: NetnsHandle): Promise<void> {
    this.enter('deleteVeth');
    this.nsOf(handle);
    this.removePair(hostVethName(handle.pid));
  }

  async configureEthwe(handle: NetnsHandle, changes: EthweChanges): Promise<void> {
    this.configureCalls.push({ pid: handle.pid, changes: structuredClone(changes) });
    const ns = this.nsOf(handle);
    const ethwe = (): FakeLink => {
      const link = ns.links.get('ethwe');
      if (!link) throw new Error('Cannot find device "ethwe"');
      return link;
    };
    const steps: Array<() => void> = [];
    if (changes.renameFrom) steps.push(() => this.rename(ns, changes.renameFrom!, 'ethwe'));
    if (changes.mac) steps.push(() => (ethwe().mac = changes.mac!));
    for (const r of changes.remove) steps.push(() => removeAddress(ethwe(), r));
    for (const a of changes.add) steps.push(() => addAddress(ethwe(), a));
    if (changes.up) steps.push(() => (ethwe().up = true));
    if (changes.multicastRoute) {
      steps.push(() => {
        if (!ethwe().up) throw new Error('RTNETLINK answers: Network is down');
        ns.multicastRoute = true;
      });
    }
    this.run('configureEthwe', steps);
  }

  async openGate(handle: NetnsHandle): Promise<void> {
    this.enter('openGate');
    this.nsOf(handle);
    const host = this.hostLinks.get(hostVethName(handle.pid));
    if (!host) throw new Error(`Cannot find device "${hostVethName(handle.pid)}"`);
    host.up = true;
  }

  // ---- inspection helpers for assertions ----

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

  /** configureEthwe calls that asked for at least one change. */
  changingConfigureCalls(): Array<{ pid: number; changes: EthweChanges }> {
    return this.configureCalls.filter((c) => hasChanges(c.changes));
  }

  private enter(method: Method): Failure | undefined {
    this.calls[method]++;
    const failure = this.failures.get(method)?.shift();
    if (failure && failure.after === 0) throw failure.error;
    return failure;
  }

  /** Applies the steps in order, stopping (and throwing) where an injected failure says. */
  private run(method: Method, steps: Array<() => void>): void {
    const failure = this.enter(method);
    steps.forEach((step, i) => {
      if (failure && i === failure.after) throw failure.error;
      step();
    });
    if (failure) throw failure.error;
  }

  private nsOf(handle: NetnsHandle): FakeNetns {
    if (!(handle instanceof FakeHandle)) throw new Error('FakeNetworkDriver: a handle of another driver');
    if (handle.closed) throw new Error(`the namespace handle of process ${handle.pid} is closed`);
    return handle.ns;
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
  private removePair(host: string): void {
    this.hostLinks.delete(host);
    for (const [name, link] of this.hostLinks) if (link.peerOf === host) this.hostLinks.delete(name);
    for (const ns of [...this.namespaces.values()]) {
      for (const [name, link] of ns.links) if (link.peer === host) ns.links.delete(name);
    }
  }

  // A namespace going away takes its veth ends, and so their pairs, with it.
  private destroy(ns: FakeNetns): void {
    for (const link of ns.links.values()) if (link.peer) this.removePair(link.peer);
    ns.links.clear();
  }

  private mac(): string {
    const n = ++this.macs;
    return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
  }
}

function addAddress(link: FakeLink, a: InterfaceAddress): void {
  if (link.addresses.some((x) => same(x, a))) throw new Error('RTNETLINK answers: File exists');
  link.addresses.push({ ...a });
}

function removeAddress(link: FakeLink, r: InterfaceAddress): void {
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
