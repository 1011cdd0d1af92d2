import { parseStoreUrl } from '@app/ipam';
import { loadOrCreateHostId } from '@app/mesh';
import { ProxyConfig } from '../config/proxy.config';

/**
 * This host's peer id with `--store etcd://`: the one the peers module registers, kept in
 * `<state-dir>/peer-id` (created on first use). Undefined with the embedded store, which serves one
 * host. Throws (naming the file) when the state dir cannot be written or the file is not an id.
 */
export function localPeerId(config: ProxyConfig): string | undefined {
  const store = parseStoreUrl(config.store);
  if (typeof store === 'string' || store.kind !== 'etcd') return undefined;
  return loadOrCreateHostId(config.stateDir);
}

/** Who owns this host's own (non-container) leases: its peer id, else `--host-id`. */
export function localOwnerId(config: ProxyConfig): string {
  return localPeerId(config) ?? config.hostId;
}
