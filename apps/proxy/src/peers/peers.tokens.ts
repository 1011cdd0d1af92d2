/** The `PeerDirectory`, or null without `--store etcd://`. */
export const PEER_DIRECTORY = Symbol('PEER_DIRECTORY');

/** The `VxlanDriver` (iproute2 in production). */
export const VXLAN_DRIVER = Symbol('VXLAN_DRIVER');
