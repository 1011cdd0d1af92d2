/** The `PeerDirectory`, or null without `--store etcd://`. */
export const PEER_DIRECTORY = Symbol('PEER_DIRECTORY');

/** The `VxlanDriver` (iproute2 in production). */
export const VXLAN_DRIVER = Symbol('VXLAN_DRIVER');
/** The `EndpointRegistry` (etcd, sharing the peer registry's lease), or null without `--store etcd://`. */
export const ENDPOINT_REGISTRY = Symbol('ENDPOINT_REGISTRY');

/** The `LeaseReclaimer`, or null without `--store etcd://`. */
export const LEASE_RECLAIMER = Symbol('LEASE_RECLAIMER');
