import { Module } from '@nestjs/common';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { ControllerModule } from '../controller/controller.module';
import { DnsModule } from '../dns/dns.module';
import { DockerClientModule } from '../docker/docker-client.module';
import { MetricsModule } from '../metrics/metrics.module';
import { WeaveAttachModule } from '../weave/weave-attach.module';
import { ContainerChangesEndpoint } from './endpoints/changes.endpoint';
import { ContainerCreateEndpoint } from './endpoints/create.endpoint';
import { ContainerExecEndpoint } from './endpoints/exec.endpoint';
import { ContainerInspectEndpoint } from './endpoints/inspect.endpoint';
import { ContainerStartEndpoint } from './endpoints/start.endpoint';
import { GatewayService } from './gateway.service';
import { HANDLED_ENDPOINTS, HandledEndpoint } from './route.table';

/**
 * The Docker API surface: the pass-through and the endpoints the proxy handles itself (create,
 * start/restart, exec, changes, and inspect with `--rewrite-inspect`). Start waits on the controller;
 * create asks DNS for the container's weaveDNS settings.
 */
@Module({
  imports: [DockerClientModule, WeaveAttachModule, ControllerModule, DnsModule, MetricsModule],
  providers: [
    GatewayService,
    ContainerCreateEndpoint,
    ContainerStartEndpoint,
    ContainerExecEndpoint,
    ContainerInspectEndpoint,
    ContainerChangesEndpoint,
    {
      provide: HANDLED_ENDPOINTS,
      useFactory: (config: ProxyConfig, ...endpoints: HandledEndpoint[]) =>
        endpoints.filter((e) => config.rewriteInspect || !(e instanceof ContainerInspectEndpoint)),
      inject: [PROXY_CONFIG, ContainerCreateEndpoint, ContainerStartEndpoint, ContainerExecEndpoint, ContainerInspectEndpoint, ContainerChangesEndpoint],
    },
  ],
  exports: [GatewayService],
})
export class GatewayModule {}
