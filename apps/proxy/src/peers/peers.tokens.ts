/** The `PeerDirectory`, or null without `--store etcd://`. */
export const PEER_DIRECTORY = Symbol('PEER_DIRECTORY');
