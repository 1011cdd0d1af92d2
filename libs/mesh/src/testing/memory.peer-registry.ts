import { EndpointRecord } from '../endpoints/endpoint';
import { PeerRecord } from '../peer';
import { PeerRegistry, PeerStoreUnavailableError } from '../peer.registry';

/**
 * An in-memory stand-in for etcd shared by several `MemoryPeerRegistry`s (one per simulated host).
 * It fails the ways etcd does: while `down`, every call rejects with PeerStoreUnavailableError and
 * watchers hear nothing; `expire(id)` is a lease running out (the record vanishes, watchers are
 * told, the owner's `onLost` fires and it re-joins as the etcd adapter does). A peer's endpoint
 * records (`endpoints`, key `<peerId>/<containerId>`) go with its record, as keys on a lease do.
 */
export class MemoryPeerStore {
  down = false;
  readonly records = new Map<string, PeerRecord>();
  readonly watchers = new Set<() => void>();
  readonly lost = new Map<string, () => void>();
  readonly endpoints = new Map<string, EndpointRecord>();
  /** When set, every change is announced twice (etcd may repeat events after a watch reconnect). */
  duplicateEvents = false;

  check(): void {
    if (this.down) throw new PeerStoreUnavailableError('peer store memory:// is unavailable: down');
  }

  changed(): void {
    if (this.down) return;
    for (let n = this.duplicateEvents ? 2 : 1; n > 0; n--) for (const w of [...this.watchers]) w();
  }

  expire(id: string): void {
    if (!this.drop(id)) return;
    this.changed();
    this.lost.get(id)?.();
  }

  /** Deletes a peer's record and its endpoint records (its lease ended); answers whether it was there. */
  drop(id: string): boolean {
    for (const [key, r] of this.endpoints) if (r.peerId === id) this.endpoints.delete(key);
    return this.records.delete(id);
  }
}

export class MemoryPeerRegistry implements PeerRegistry {
  private selfId: string | undefined;

  constructor(private readonly store: MemoryPeerStore) {}

  async join(self: PeerRecord, _ttl: number, onLost?: (err: Error) => void): Promise<void> {
    this.store.check();
    this.selfId = self.id;
    this.store.records.set(self.id, self);
    this.store.lost.set(self.id, () => {
      onLost?.(new Error('lease expired'));
      void this.join(self, _ttl, onLost).catch((e: Error) => onLost?.(e));
    });
    this.store.changed();
  }

  async list(): Promise<PeerRecord[]> {
    this.store.check();
    return [...this.store.records.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async watch(onChange: () => void): Promise<() => void> {
    this.store.check();
    const w = () => onChange();
    this.store.watchers.add(w);
    return () => this.store.watchers.delete(w);
  }

  async leave(): Promise<void> {
    this.store.check();
    if (this.selfId === undefined) return;
    this.store.lost.delete(this.selfId);
    this.store.drop(this.selfId);
    this.store.changed();
  }

  async close(): Promise<void> {
    if (this.selfId !== undefined) this.store.lost.delete(this.selfId);
  }
}
