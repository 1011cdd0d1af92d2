import { after, before } from 'node:test';
import { Cluster, ClusterOptions, startCluster } from './cluster';

/** The tails of every host's proxy log, for a failure message. */
export function clusterLogs(cluster: Cluster | undefined, chars = 2000): string {
  return (cluster?.hosts ?? []).map((h) => `\nproxy ${h.name}:\n${h.proxy.logs().slice(-chars)}`).join('');
}

/**
 * Starts a cluster of `count` hosts before the enclosing `describe`'s tests and stops it after them;
 * answers a getter (throws if used before the cluster is up).
 */
export function useCluster(count: number, options: ClusterOptions = {}): () => Cluster {
  let cluster: Cluster | undefined;
  before(async () => {
    cluster = await startCluster(count, options);
  });
  after(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('useCluster: the cluster is not up yet (use it inside a test)');
    return cluster;
  };
}
