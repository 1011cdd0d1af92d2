import { DomainError, ERRORS } from '@app/common';
import { PeerRecord } from '@app/mesh';

/** `weave rmpeer` of a peer registered in etcd now: its leases are in use (409 `WPX_PEER_LIVE`). */
export class PeerLiveError extends DomainError {
  constructor(peer: PeerRecord) {
    super(
      ERRORS.WPX_PEER_LIVE,
      `peer ${peer.id} (${peer.hostname}, ${peer.address}) is live: stop its proxy, or wait until its lease expires, before removing it`,
    );
  }
}

/** `weave rmpeer` on a proxy without `--store etcd://` (400 `WPX_PEERS_DISABLED`). */
export class PeersDisabledError extends DomainError {
  constructor() {
    super(ERRORS.WPX_PEERS_DISABLED, 'this proxy has no peers: it runs without --store etcd://');
  }
}

/** The peer list could not be read just now, so whether a peer is live is unknown (503). */
export class PeersUnknownError extends DomainError {
  constructor(cause: string) {
    super(ERRORS.WPX_UNAVAILABLE, `the peer list cannot be read from etcd: ${cause}`);
  }
}
