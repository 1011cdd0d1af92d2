import { Module } from '@nestjs/common';
import { parseStoreUrl } from '@app/ipam';
import { EtcdPeerRegistry, IprouteVxlanDriver, PeerDirectory } from '@app/mesh';
import { SpawnCommandRunner } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsModule } from '../metrics/metrics.module';
import { DataPlaneService } from './data-plane.service';
import { buildSelf } from './peer.self';
import { PeersService } from './peers.service';
import { PEER_DIRECTORY, VXLAN_DRIVER } from './peers.tokens';

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

/**
 * The peers of the weave network (`--store etcd://` only): this host registered under a lease,
 * the others watched, and the VXLAN data plane converged on them. Nothing runs with the embedded store.
 */
@Module({
  imports: [MetricsModule],
  providers: [
    { provide: PEER_DIRECTORY, useFactory: peerDirectory, inject: [PROXY_CONFIG] },
    { provide: VXLAN_DRIVER, useFactory: () => new IprouteVxlanDriver(new SpawnCommandRunner()) },
    DataPlaneService,
    PeersService,
  ],
  exports: [PeersService],
})
export class PeersModule {}
