import { Namespace } from 'etcd3';
import { PeerStoreUnavailableError } from './peer.registry';

/**
 * Runs one etcd call; any failure (deadline, connection refused, lease not found) becomes a
 * `PeerStoreUnavailableError` naming the store: `peer store etcd://h:p is unavailable: <first line>`.
 * `endpoints`: the `http://host:port` URLs the client was made with.
 */
export async function guardEtcd<T>(endpoints: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const where = `etcd://${endpoints.map((e) => e.replace(/^https?:\/\//, '')).join(',')}`;
    const cause = String((err as Error)?.message ?? err).split('\n')[0];
    throw new PeerStoreUnavailableError(`peer store ${where} is unavailable: ${cause}`);
  }
}

/**
 * Watches every key of `kv` (a namespace): `onChange` on each put, delete and (re)connection (after
 * a reconnect events may have been missed: the caller's re-list catches up). Answers the cancel.
 * Rejects as `guardEtcd` does when the watch cannot be made.
 */
export async function watchEtcdPrefix(endpoints: readonly string[], kv: Namespace, onChange: () => void): Promise<() => void> {
  const watcher = await guardEtcd(endpoints, () => kv.watch().prefix('').create());
  watcher.on('put', () => onChange()).on('delete', () => onChange()).on('connected', () => onChange());
  return () => void watcher.cancel().catch(() => undefined);
}
