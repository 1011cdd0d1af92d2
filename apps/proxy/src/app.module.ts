import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { ProxyConfigModule } from './config/config.module';
import { ProxyConfig } from './config/proxy.config';
import { ControllerModule } from './controller/controller.module';
import { DnsModule } from './dns/dns.module';
import { DockerClientModule } from './docker/docker-client.module';
import { ExposeModule } from './expose/expose.module';
import { GatewayModule } from './gateway/gateway.module';
import { IpamAdapterModule } from './ipam/ipam-adapter.module';
import { ListenModule } from './listen/listen.module';
import { Logger } from './logging/logger';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PeersModule } from './peers/peers.module';
import { WeaveAttachModule } from './weave/weave-attach.module';

/**
 * The whole proxy, one part per line, each a folder of apps/proxy/src. A part uses only parts
 * below it in this table (architecture.spec.ts fails on an arrow pointing back up):
 *
 *   part        what it is                                                   uses
 *   admin       `/_weave/`: status, allocations, containers, peers, metrics,  listen controller ipam docker metrics
 *               health, expose/hide, rmpeer; on -L and on its own             peers expose
 *               `--admin-listen` listeners (admin only)
 *   listen      the `-L` listeners: Docker API to gateway, `/_weave/` to admin gateway docker
 *   gateway     the Docker API: pass-through + handled endpoints               dns controller weave docker metrics
 *               (create, start/restart, exec, changes, inspect)
 *   dns         weaveDNS (`--with-dns`), names from the controller's statuses  controller docker metrics
 *               and (etcd) the other hosts' endpoint records                  peers
 *   peers       the weave network's hosts in etcd (libs/mesh), etcd only:     controller metrics
 *               peers, endpoint records, the VXLAN data plane
 *   controller  the level-triggered reconcile loop; start waits on it         weave docker metrics
 *   weave       the attach: bridge, veth, netns, /etc/hosts (libs/weave)      ipam docker
 *   expose      the host's own addresses on the bridge (`weave expose`)        ipam
 *   peers       the weave network's hosts in etcd (libs/mesh), etcd only;     ipam metrics
 *               dead peers' leases reclaimed
 *   ipam        address allocation, SQLite or etcd (libs/ipam)                metrics
 *   docker      the one Docker client (libs/docker)
 *   metrics     the Prometheus registry
 *
 * Config and the logger are ambient (the only global modules): built before the application
 * exists, read by every part.
 */
@Module({})
export class AppModule {
  static register(config: Readonly<ProxyConfig>, log: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ProxyConfigModule.forRoot(config),
        LoggingModule.forRoot(log),
        ListenModule,
        GatewayModule,
        DnsModule,
        ControllerModule,
        WeaveAttachModule,
        IpamAdapterModule,
        DockerClientModule,
        ExposeModule,
        PeersModule,
        MetricsModule,
        AdminModule,
      ],
    };
  }
}
