/** The VXLAN device of this host, as `ip link add <name> type vxlan ...` creates it. */
export interface VxlanSpec {
  /** Interface name, e.g. `vxlan-weave` (1-15 characters). */
  readonly name: string;
  /** VXLAN network identifier, 1 … 16777215: the same on every host. */
  readonly vni: number;
  /** UDP destination port, e.g. 4789: the same on every host. */
  readonly port: number;
  /** The underlay interface packets leave by (`dev`); its MTU minus 50 bytes is the device's. */
  readonly underlayDevice: string;
  /** This host's underlay address (`local`): the source of the encapsulated packets. */
  readonly localAddress: string;
  /** The weave bridge it is enslaved to. */
  readonly bridge: string;
}

/** A unicast FDB entry of the VXLAN device: frames for `mac` go to the peer at `address` (RFC 7348 §4). */
export interface MacTarget {
  /** A remote container's ethwe MAC, lower case `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  /** The underlay IPv4 address of the host it lives on. */
  readonly address: string;
}

/**
 * The kernel's VXLAN data plane, behind a port so the convergence is unit-tested with a fake. Errors
 * are the commands' (iproute2's `Cannot find device`, `File exists`, ...), rejected as Errors.
 */
export interface VxlanDriver {
  /**
   * Makes the device exist as `spec` says (recreating one whose VNI, port, device or local address
   * differ), enslaved to `spec.bridge` (which must exist) and up. Answers its MTU, bytes.
   */
  ensureDevice(spec: VxlanSpec): Promise<{ mtu: number }>;
  /** The interface holding the IPv4 `address` (the underlay device for `local address`), if any. */
  deviceWithAddress(address: string): Promise<string | undefined>;
  /** The remote addresses of the device's all-zero FDB entries (where BUM traffic is replicated). */
  floodTargets(device: string): Promise<string[]>;
  /** Adds an all-zero FDB entry towards `address` (`bridge fdb append 00:00:00:00:00:00 ... dst`). */
  addFloodTarget(device: string, address: string): Promise<void>;
  /** Removes the all-zero FDB entry towards `address`. */
  removeFloodTarget(device: string, address: string): Promise<void>;
  /** The device's unicast entries (a MAC other than all-zero, with a `dst`), by MAC. */
  macTargets(device: string): Promise<MacTarget[]>;
  /** Points `mac` at `address`, whether or not it has an entry (`bridge fdb replace <mac> dev <device> dst <address>`). */
  setMacTarget(device: string, target: MacTarget): Promise<void>;
  /** Removes the entry of `target.mac` towards `target.address` (`bridge fdb del ... dst <address>`). */
  removeMacTarget(device: string, target: MacTarget): Promise<void>;
}
