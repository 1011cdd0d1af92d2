import { PeerRecord } from './peer';

/**
 * The port to the shared peer list (etcd in production, `MemoryPeerRegistry` in specs). A peer is
 * live exactly while its lease is: a proxy that stops, dies or loses the store for longer than the
 * lease's TTL is gone for everyone.
 *
 * Every method that talks to the store rejects with `PeerStoreUnavailableError` when it does not
 * answer within its time budget.
 */
export interface PeerRegistry {
  /**
   * Registers `self` under a lease of `ttlSeconds`, kept alive until `leave` or `close`. When the
   * lease is lost (the store was unreachable longer than the TTL) the registry grants a new one and
   * registers again by itself; `onLost` is told each time (for logs and metrics).
   */
  join(self: PeerRecord, ttlSeconds: number, onLost?: (err: Error) => void): Promise<void>;
  /** The live peers now, this one included, sorted by id. */
  list(): Promise<PeerRecord[]>;
  /**
   * Calls `onChange` whenever the set may have changed (a put, a delete, a lease expiry, a watch
   * reconnect). It carries no payload on purpose: callers re-`list` (level-triggered). Answers a
   * function that stops watching.
   */
  watch(onChange: () => void): Promise<() => void>;
  /** Revokes this peer's lease: the others see it gone at once rather than after the TTL. */
  leave(): Promise<void>;
  /** Stops keepalives and watches and closes the connection; the lease then expires on its own. */
  close(): Promise<void>;
}

/** The store did not answer; `message` names it (`peer store etcd://host:port is unavailable: ...`). */
export class PeerStoreUnavailableError extends Error {
  override readonly name = 'PeerStoreUnavailableError';
}
