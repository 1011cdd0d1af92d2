import { EndpointRecord } from './endpoint';

/**
 * The port to the shared endpoint records (etcd in production, `MemoryEndpointRegistry` in specs).
 * Records live exactly as long as their owner's peer lease. Every method that talks to the store
 * rejects with `PeerStoreUnavailableError` when it does not answer within its time budget; a call
 * that rejected may still have been applied (the reply was lost), so callers converge again rather
 * than assume either way.
 */
export interface EndpointRegistry {
  /** The records now, of every peer or of `peerId` only, sorted by peerId then containerId. */
  list(peerId?: string): Promise<EndpointRecord[]>;
  /**
   * Writes `record` under this proxy's current peer lease (join first). Rejects with
   * `PeerStoreUnavailableError` (store down, or no lease: not joined yet, or it was just lost).
   */
  put(record: EndpointRecord): Promise<void>;
  /** Deletes one record; deleting one that is not there is not an error. */
  remove(peerId: string, containerId: string): Promise<void>;
  /**
   * Calls `onChange` whenever the records may have changed (put, delete, lease expiry, watch
   * reconnect), without payload: callers re-`list` (level-triggered). Answers the unsubscribe.
   */
  watch(onChange: () => void): Promise<() => void>;
}
