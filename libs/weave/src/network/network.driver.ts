/** An IPv4 address with its prefix, as it sits on an interface. */
export interface InterfaceAddress {
  address: string;
  prefixLength: number;
}

/** What a container's network namespace holds of the weave network right now. */
export interface NetnsState {
  ethwe?: { up: boolean; mac: string; addresses: InterfaceAddress[] };
  multicastRoute: boolean;
}

/** The changes to make inside a namespace, applied in this order, multicast route last. */
export interface EthweChanges {
  /** Rename the freshly moved container end of the veth to `ethwe`. */
  renameFrom?: string;
  add: InterfaceAddress[];
  remove: InterfaceAddress[];
  up: boolean;
  multicastRoute: boolean;
}

/**
 * The data plane: the bridge, veth pairs and the container's namespace, reached through the
 * container's PID. Implemented with iproute2; faked in unit tests.
 */
export interface NetworkDriver {
  /** Creates the bridge when missing, brings it up and lets bridged traffic through FORWARD. */
  ensureBridge(bridge: string): Promise<{ mtu: number }>;
  inspectNetns(pid: number): Promise<NetnsState>;
  /** Whether the process (and so its namespace) still exists: dockerd learns of an exit later. */
  processAlive(pid: number): Promise<boolean>;
  /** Creates vethwepl<pid> (on the bridge) / vethwepg<pid> (moved into the netns). */
  createVeth(pid: number, bridge: string, mtu: number): Promise<string>;
  /** Removes the pair again (rollback of a failed attach); a missing pair is not an error. */
  deleteVeth(pid: number): Promise<void>;
  configureEthwe(pid: number, changes: EthweChanges): Promise<void>;
}

export const NETWORK_DRIVER = Symbol('NETWORK_DRIVER');

export function hostVethName(pid: number): string {
  return `vethwepl${pid}`;
}

export function peerVethName(pid: number): string {
  return `vethwepg${pid}`;
}
