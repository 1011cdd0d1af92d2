import { EtcdLeaseStore } from './etcd.lease-store';
import { IpamOptions } from './ipam.config';
import { LeaseStore } from './lease.store';
import { SqliteLeaseStore } from './sqlite.lease-store';
import { parseStoreUrl } from './store.url';

/**
 * The store named by `options.store` (already validated by `resolveIpamOptions`). The etcd store
 * connects lazily, so an unreachable cluster does not stop the proxy from starting: each IPAM
 * operation then fails with `IpamStoreUnavailableError` until it comes back.
 */
export function openLeaseStore(options: IpamOptions): LeaseStore {
  const location = parseStoreUrl(options.store);
  if (typeof location === 'string') throw new Error(location);
  if (location.kind === 'etcd') return new EtcdLeaseStore(location.endpoints);
  return SqliteLeaseStore.open(options.stateDir);
}
