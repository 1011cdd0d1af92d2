import { SerialRunner, applyEach } from '../serial';
import { EndpointRecord, sameEndpoint } from './endpoint';
import { EndpointRegistry } from './endpoint.registry';

export interface PublishChange {
  /** Container ids written (new or changed). */
  readonly put: string[];
  /** Container ids deleted (no longer attached here). */
  readonly removed: string[];
  /** One line per record that could not be written or read; the next convergence tries again. */
  readonly errors: string[];
}

/**
 * Level-triggered: makes this peer's published endpoint records exactly `wanted` (its attached
 * containers), reading what the store holds for this peer each time, never a remembered copy, so a
 * lost reply, a re-granted lease (records gone with the old one) or a record deleted by hand is
 * repaired at the next call. Call it at start, on every container change and periodically; calls
 * never overlap (each waits for the previous one), the last `wanted` wins.
 */
export class EndpointPublisher {
  private readonly serial = new SerialRunner();

  /** `peerId`: this host's id; every record in `wanted` must carry it. */
  constructor(
    private readonly registry: EndpointRegistry,
    private readonly peerId: string,
  ) {}

  converge(wanted: readonly EndpointRecord[]): Promise<PublishChange> {
    return this.serial.run(() => this.once(wanted));
  }

  private async once(wanted: readonly EndpointRecord[]): Promise<PublishChange> {
    const errors: string[] = [];
    const present = await this.registry.list(this.peerId).catch((err: Error) => {
      errors.push(`reading: ${err.message}`);
      return undefined;
    });
    if (!present) return { put: [], removed: [], errors };
    const byId = new Map(present.map((r) => [r.containerId, r]));
    const keep = new Set(wanted.map((r) => r.containerId));
    const toPut = wanted.filter((r) => !byId.has(r.containerId) || !sameEndpoint(byId.get(r.containerId)!, r));
    const toRemove = present.filter((r) => !keep.has(r.containerId)).map((r) => r.containerId);
    const put = await applyEach(toPut, (r) => this.registry.put(r), 'writing', errors, (r) => r.containerId);
    const removed = await applyEach(toRemove, (id) => this.registry.remove(this.peerId, id), 'deleting', errors);
    return { put: put.map((r) => r.containerId), removed, errors };
  }
}
