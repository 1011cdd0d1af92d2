import { EthweChanges, hostVethName, NetnsHandle, NetnsState, NetworkDriver, peerVethName } from '../network/network.driver';
import { ProcessChangedError } from '../network/process-changed.error';
import { addAddress, FakeHandle, FakeHostNetwork, FakeLink, FakeNetns, removeAddress } from './fake-host.network';

type Method = keyof NetworkDriver;

export function hasChanges(c: EthweChanges): boolean {
  return Boolean(c.renameFrom || c.mac) || c.add.length > 0 || c.remove.length > 0 || c.up || c.multicastRoute;
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
export class FakeNetworkDriver extends FakeHostNetwork implements NetworkDriver {
  readonly bridges = new Map<string, { mtu: number }>();
  /** The MTU of every veth pair created, in order. */
  readonly vethMtus: number[] = [];
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
  private readonly failures = new Map<Method, Failure[]>();

  constructor(private readonly bridgeMtu = 1376) {
    super();
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

  async createVeth(handle: NetnsHandle, bridge: string, mtu: number): Promise<string> {
    const ns = this.nsOf(handle);
    this.vethMtus.push(mtu);
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
}
