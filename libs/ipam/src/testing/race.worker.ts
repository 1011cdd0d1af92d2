import { IpamAllocator } from '../ipam.allocator';
import { EtcdLeaseStore } from '../etcd.lease-store';
import { LeaseStore } from '../lease.store';
import { SqliteLeaseStore } from '../sqlite.lease-store';

/**
 * A child process for the cross-process race tests: opens its own store, reports `ready`, waits
 * for `go`, then allocates `count` addresses at once for distinct owners and reports the outcome.
 * With `hold`, it then waits to be killed instead of closing the store (the kill -9 test).
 */
export interface RaceWorkerConfig {
  readonly store: { readonly sqlite: string } | { readonly etcd: string; readonly prefix: string };
  readonly hostId: string;
  readonly range: string;
  readonly subnet?: string;
  readonly count: number;
  readonly hold?: boolean;
}

export interface RaceWorkerReport {
  readonly hostId: string;
  readonly addresses: string[];
  readonly errors: string[];
  /** Reservations lost to another allocator: evidence that the processes really raced. */
  readonly conflicts: number;
}

function openStore(config: RaceWorkerConfig): LeaseStore {
  const store = config.store;
  if ('sqlite' in store) return SqliteLeaseStore.open(store.sqlite);
  return new EtcdLeaseStore([store.etcd], { prefix: store.prefix });
}

function countConflicts(store: LeaseStore): { count: number } {
  const counter = { count: 0 };
  const reserve = store.reserve.bind(store);
  store.reserve = async (lease, moveCursor) => {
    const result = await reserve(lease, moveCursor);
    if (!result.reserved && result.holder.owner !== lease.owner) counter.count++;
    return result;
  };
  return counter;
}

async function race(config: RaceWorkerConfig, ipam: IpamAllocator, conflicts: { count: number }): Promise<RaceWorkerReport> {
  const owners = Array.from({ length: config.count }, (_, i) => `${config.hostId}-container-${i}`);
  const outcomes = await Promise.allSettled(owners.map((owner) => ipam.allocate(owner, { subnet: config.subnet })));
  const addresses = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.address] : []));
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason?.code ?? o.reason)] : []));
  return { hostId: config.hostId, addresses, errors, conflicts: conflicts.count };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as RaceWorkerConfig;
  const store = openStore(config);
  const conflicts = countConflicts(store);
  const allocator = new IpamAllocator(store, { range: config.range, hostId: config.hostId });
  await store.ping();
  process.send?.('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send?.(await race(config, allocator, conflicts));
  if (config.hold) {
    setInterval(() => undefined, 60_000); // stay alive, store open, until the test kills us
    return;
  }
  await store.close();
  process.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
