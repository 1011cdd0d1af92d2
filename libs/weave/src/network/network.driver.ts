/** An IPv4 address with its prefix, as it sits on an interface. */
export interface InterfaceAddress {
  address: string;
  prefixLength: number;
}

/** What a container's network namespace holds of the weave network right now. */
export interface NetnsState {
  /**
   * `carrier`: the host end of the pair is up, so the container sees carrier on ethwe. That is
   * the gate weavewait (/w/w) waits on, so it is opened last, once everything else is in place.
   */
  ethwe?: { up: boolean; carrier: boolean; mac: string; addresses: InterfaceAddress[] };
  multicastRoute: boolean;
}

/** The changes to make inside a namespace, applied in this order, multicast route last. */
export interface EthweChanges {
  /** Rename the freshly moved container end of the veth to `ethwe`. */
  renameFrom?: string;
  /** Give ethwe this MAC (`aa:bb:cc:dd:ee:ff`) before it comes up (a fresh pair only). */
  mac?: string;
  add: InterfaceAddress[];
  remove: InterfaceAddress[];
  up: boolean;
  multicastRoute: boolean;
}

/**
 * A container's network namespace, opened once per attach: every step of that attach acts on this
 * handle, never on a PID looked up again, so a PID reused meanwhile cannot redirect a step into
 * another process's namespace. The namespace lives at least as long as the handle is open.
 */
export interface NetnsHandle {
  /** The PID the namespace was opened through; it names the veth pair (`vethwepl<pid>`). */
  readonly pid: number;
  /** Releases the handle (idempotent). */
  close(): Promise<void>;
}

/**
 * The data plane: the bridge, veth pairs and the container's namespace. Implemented with
 * iproute2; faked in unit tests (FakeNetworkDriver, which can also fail halfway through a step).
 */
export interface NetworkDriver {
  /** Creates the bridge when missing, brings it up and lets bridged traffic through FORWARD. */
  ensureBridge(bridge: string): Promise<{ mtu: number }>;
  /**
   * Opens the namespace of `pid`, checking that `pid` is (still) a process of container
   * `containerId`. Throws ProcessChangedError when the process is gone or is another one.
   */
  openNetns(pid: number, containerId: string): Promise<NetnsHandle>;
  inspectNetns(ns: NetnsHandle): Promise<NetnsState>;
  /** Whether the process (and so its namespace) still exists: dockerd learns of an exit later. */
  processAlive(pid: number): Promise<boolean>;
  /**
   * Creates vethwepl<pid> (on the bridge, left DOWN: the gate) / vethwepg<pid> (moved into the
   * namespace); answers the name of the container end. Like iproute2 it may fail halfway and
   * leave the pair on the host: callers remove it with deleteVeth.
   */
  createVeth(ns: NetnsHandle, bridge: string, mtu: number): Promise<string>;
  /** Removes the pair (rollback of a failed attach); a missing pair is not an error. */
  deleteVeth(ns: NetnsHandle): Promise<void>;
  /** Applies `changes` in order; may stop halfway (ip -batch is not atomic). */
  configureEthwe(ns: NetnsHandle, changes: EthweChanges): Promise<void>;
  /** Brings the host end up: ethwe gets carrier and weavewait lets the container's process run. */
  openGate(ns: NetnsHandle): Promise<void>;
}

export const NETWORK_DRIVER = Symbol('NETWORK_DRIVER');

export function hostVethName(pid: number): string {
  return `vethwepl${pid}`;
}

export function peerVethName(pid: number): string {
  return `vethwepg${pid}`;
}

/**
 * The MAC of a container's ethwe, derived from its first address (`02:57:` + the four bytes, a
 * locally administered unicast prefix of our own), so a container that keeps its address across a
 * restart keeps its MAC too and peers' ARP caches stay right: no outage while they expire.
 */
export function macForAddress(address: string): string {
  const bytes = address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'));
  return ['02', '57', ...bytes].join(':');
}
