import { Module } from '@nestjs/common';
import { IpamAllocator, parseStoreUrl } from '@app/ipam';
import { EtcdPeerRegistry, IprouteVxlanDriver, PeerDirectory } from '@app/mesh';
import { SpawnCommandRunner } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { IpamAdapterModule } from '../ipam/ipam-adapter.module';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsModule } from '../metrics/metrics.module';
import { DataPlaneService } from './data-plane.service';
import { LeaseReclaimer } from './lease.reclaimer';
import { buildSelf } from './peer.self';
import { PeersService } from './peers.service';
import { LEASE_RECLAIMER, PEER_DIRECTORY, VXLAN_DRIVER } from './peers.tokens';

/** Seconds a crashed peer stays live for the others; the lease is refreshed every third of it. */
export const PEER_TTL_SECONDS = 10;
/** The periodic full re-read of the peer list, ms (the watch makes changes quicker than this). */
export const PEER_RESYNC_MS = 10_000;

async function peerDirectory(config: ProxyConfig): Promise<PeerDirectory | null> {
  const store = parseStoreUrl(config.store);
  if (typeof store === 'string' || store.kind !== 'etcd') return null;
  const self = await buildSelf(config, store.endpoints);
  return new PeerDirectory(new EtcdPeerRegistry(store.endpoints), self, { ttlSeconds: PEER_TTL_SECONDS, resyncMs: PEER_RESYNC_MS });
}

function leaseReclaimer(directory: PeerDirectory | null, ipam: IpamAllocator, config: ProxyConfig, root: Logger): LeaseReclaimer | null {
  if (!directory) return null;
  return new LeaseReclaimer(ipam, config.peerReclaimAfterSeconds * 1000, root.child({ component: 'peer-reclaim' }));
}

/**
 * The peers of the weave network (`--store etcd://` only): this host registered under a lease,
 * the others watched, the VXLAN data plane converged on them, and the leases of peers gone longer
 * than `--peer-reclaim-after` reclaimed. Nothing runs with the embedded store.
 */
@Module({
  imports: [MetricsModule, IpamAdapterModule],
  providers: [
    { provide: PEER_DIRECTORY, useFactory: peerDirectory, inject: [PROXY_CONFIG] },
    { provide: VXLAN_DRIVER, useFactory: () => new IprouteVxlanDriver(new SpawnCommandRunner()) },
    { provide: LEASE_RECLAIMER, useFactory: leaseReclaimer, inject: [PEER_DIRECTORY, IpamAllocator, PROXY_CONFIG, ROOT_LOGGER] },
    DataPlaneService,
    PeersService,
  ],
  exports: [PeersService],
})
export class PeersModule {}
