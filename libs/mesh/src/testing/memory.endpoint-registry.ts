import { EndpointRecord, endpointKey } from '../endpoints/endpoint';
import { EndpointRegistry } from '../endpoints/endpoint.registry';
import { PeerStoreUnavailableError } from '../peer.registry';
import { MemoryPeerStore } from './memory.peer-registry';

/**
 * What the next call of a `MemoryEndpointRegistry` suffers, as etcd calls do: `ok` nothing, `fail` rejects before
 * anything is done (connection refused), `lost-reply` is applied and then rejects (the deadline ran
 * out on the way back: halfway), `{ slowMs }` answers correctly after that many ms.
 */
export type EndpointFault = 'ok' | 'fail' | 'lost-reply' | { slowMs: number };

/**
 * Endpoint records in a `MemoryPeerStore`: a put needs its owner's peer record (a live lease) as
 * etcd does (`requested lease not found`), and records go when the peer expires or leaves. Faults
 * queued in `faults` hit the next calls in order, one each (`['fail', 'fail']`: fails twice).
 */
export class MemoryEndpointRegistry implements EndpointRegistry {
  readonly faults: EndpointFault[] = [];
  /** Calls made, for asserting that a converged publisher writes nothing. */
  readonly calls: string[] = [];

  constructor(private readonly store: MemoryPeerStore) {}

  list(peerId?: string): Promise<EndpointRecord[]> {
    return this.call('list', () =>
      [...this.store.endpoints.values()]
        .filter((r) => peerId === undefined || r.peerId === peerId)
        .sort((a, b) => endpointKey(a).localeCompare(endpointKey(b))),
    );
  }

  put(record: EndpointRecord): Promise<void> {
    return this.call(`put ${record.containerId}`, () => {
      if (!this.store.records.has(record.peerId)) throw new PeerStoreUnavailableError('peer store memory:// is unavailable: requested lease not found');
      this.store.endpoints.set(endpointKey(record), record);
      this.store.changed();
    });
  }

  remove(peerId: string, containerId: string): Promise<void> {
    return this.call(`remove ${containerId}`, () => {
      if (this.store.endpoints.delete(endpointKey({ peerId, containerId }))) this.store.changed();
    });
  }

  watch(onChange: () => void): Promise<() => void> {
    return this.call('watch', () => {
      const w = () => onChange();
      this.store.watchers.add(w);
      return () => void this.store.watchers.delete(w);
    });
  }

  private async call<T>(what: string, apply: () => T): Promise<T> {
    this.calls.push(what);
    const fault = this.faults.shift();
    if (typeof fault === 'object') await new Promise((r) => setTimeout(r, fault.slowMs));
    if (fault === 'fail') throw new PeerStoreUnavailableError('peer store memory:// is unavailable: connection refused');
    this.store.check();
    const value = apply();
    if (fault === 'lost-reply') throw new PeerStoreUnavailableError('peer store memory:// is unavailable: deadline exceeded');
    return value;
  }
}
