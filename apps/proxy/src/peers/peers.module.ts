import { Module } from '@nestjs/common';
import { IpamAllocator, parseStoreUrl } from '@app/ipam';
import { EndpointRegistry, EtcdPeerRegistry, IprouteVxlanDriver, PeerDirectory } from '@app/mesh';
import { SpawnCommandRunner } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { ControllerModule } from '../controller/controller.module';
import { IpamAdapterModule } from '../ipam/ipam-adapter.module';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsModule } from '../metrics/metrics.module';
import { DataPlaneService } from './data-plane.service';
import { buildSelf } from './peer.self';
import { PeersService } from './peers.service';
import { EndpointsService } from './endpoints.service';
import { LeaseReclaimer } from './lease.reclaimer';
import { ENDPOINT_REGISTRY, LEASE_RECLAIMER, PEER_DIRECTORY, VXLAN_DRIVER } from './peers.tokens';

/** Seconds a crashed peer stays live for the others; the lease is refreshed every third of it. */
export const PEER_TTL_SECONDS = 10;
/** The periodic full re-read of the peer list, ms (the watch makes changes quicker than this). */
export const PEER_RESYNC_MS = 10_000;

/** The etcd parts: the peer directory and the endpoint records under the same lease. */
interface Mesh {
  readonly directory: PeerDirectory;
  readonly endpoints: EndpointRegistry;
}

const MESH = Symbol('MESH');

async function mesh(config: ProxyConfig): Promise<Mesh | null> {
  const store = parseStoreUrl(config.store);
  if (typeof store === 'string' || store.kind !== 'etcd') return null;
  const self = await buildSelf(config, store.endpoints);
  const registry = new EtcdPeerRegistry(store.endpoints);
  const directory = new PeerDirectory(registry, self, { ttlSeconds: PEER_TTL_SECONDS, resyncMs: PEER_RESYNC_MS });
  return { directory, endpoints: registry.endpointRegistry() };
}

function leaseReclaimer(directory: PeerDirectory | null, ipam: IpamAllocator, config: ProxyConfig, root: Logger): LeaseReclaimer | null {
  if (!directory) return null;
  return new LeaseReclaimer(ipam, config.peerReclaimAfterSeconds * 1000, root.child({ component: 'peer-reclaim' }));
}

/**
 * The peers of the weave network (`--store etcd://` only): this host registered under a lease,
 * the others watched, this host's containers published as endpoint records under that lease and
 * every host's followed (weaveDNS reads them), the VXLAN data plane converged on both, and the
 * leases of peers gone longer than `--peer-reclaim-after` reclaimed. Nothing runs with the
 * embedded store.
 */
@Module({
  imports: [ControllerModule, MetricsModule, IpamAdapterModule],
  providers: [
    { provide: MESH, useFactory: mesh, inject: [PROXY_CONFIG] },
    { provide: PEER_DIRECTORY, useFactory: (m: Mesh | null) => m?.directory ?? null, inject: [MESH] },
    { provide: ENDPOINT_REGISTRY, useFactory: (m: Mesh | null) => m?.endpoints ?? null, inject: [MESH] },
    { provide: LEASE_RECLAIMER, useFactory: leaseReclaimer, inject: [PEER_DIRECTORY, IpamAllocator, PROXY_CONFIG, ROOT_LOGGER] },
    { provide: VXLAN_DRIVER, useFactory: () => new IprouteVxlanDriver(new SpawnCommandRunner()) },
    DataPlaneService,
    EndpointsService,
    PeersService,
  ],
  exports: [PeersService, EndpointsService],
})
export class PeersModule {}
