import { Lease } from './lease';
import { AddressSpan, LeaseStore, ReserveResult } from './lease.store';
import { addressToNumber } from './ipv4.subnet';

/**
 * A lease store in process memory, for unit tests of code that uses the allocator. Atomic because
 * each method completes synchronously inside one event-loop turn; it is not shared between processes.
 */
export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease>();
  private readonly cursors = new Map<string, string>();
  private closed = false;
  private range?: string;

  async reserve(lease: Lease, moveCursor: boolean): Promise<ReserveResult> {
    this.assertOpen();
    const holder = this.leases.get(lease.address);
    if (holder) return { reserved: false, holder };
    this.leases.set(lease.address, lease);
    if (moveCursor) this.cursors.set(lease.subnet, lease.address);
    return { reserved: true, lease };
  }

  async release(lease: Lease): Promise<boolean> {
    this.assertOpen();
    const held = this.leases.get(lease.address);
    if (!held || held.owner !== lease.owner || held.host !== lease.host) return false;
    return this.leases.delete(lease.address);
  }

  async releaseOwner(owner: string, host: string): Promise<Lease[]> {
    const mine = (await this.findByOwner(owner)).filter((lease) => lease.host === host);
    mine.forEach((lease) => this.leases.delete(lease.address));
    return mine;
  }

  async findByOwner(owner: string): Promise<Lease[]> {
    return (await this.list()).filter((lease) => lease.owner === owner);
  }

  async list(span?: AddressSpan): Promise<Lease[]> {
    this.assertOpen();
    const from = span ? (addressToNumber(span.first) ?? 0) : 0;
    const to = span ? (addressToNumber(span.last) ?? -1) : Infinity;
    return [...this.leases.values()]
      .map((lease) => ({ lease, at: addressToNumber(lease.address) ?? 0 }))
      .filter(({ at }) => at >= from && at <= to)
      .sort((a, b) => a.at - b.at)
      .map(({ lease }) => lease);
  }

  async bindRange(range: string): Promise<string> {
    this.assertOpen();
    this.range ??= range;
    return this.range;
  }

  async lastReserved(subnet: string): Promise<string | undefined> {
    this.assertOpen();
    return this.cursors.get(subnet);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryLeaseStore is closed');
  }
}
