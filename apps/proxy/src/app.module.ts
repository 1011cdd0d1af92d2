import { DynamicModule, Global, Module } from '@nestjs/common';
import { DockerModule } from '@app/docker';
import { WeaveModule, WeaveOptions } from '@app/weave';
import { IpamAdapterModule } from './ipam/ipam-adapter.module';
import { MetricsModule } from './metrics/metrics.module';
import { AdminModule } from './admin/admin.module';
import { DnsModule } from './dns/dns.module';
import { PROXY_CONFIG } from './config/config.tokens';
import { ProxyConfig } from './config/proxy.config';
import { dockerTlsMaterial } from './config/tls.files';
import { Logger, ROOT_LOGGER } from './logging/logger';

@Global()
@Module({})
class CoreModule {
  static register(config: ProxyConfig, log: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: PROXY_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: log },
      ],
      exports: [PROXY_CONFIG, ROOT_LOGGER],
    };
  }
}

/** The whole proxy: config and logger, the Docker client, the gateway, the admin API. */
@Module({})
export class AppModule {
  static register(config: ProxyConfig, log: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, log),
        DockerModule.register({ host: config.dockerHost, tls: config.dockerTlsVerify, tlsFiles: dockerTlsMaterial(config) }),
        MetricsModule,
        IpamAdapterModule.register(config),
        WeaveModule.register(weaveOptions(config), { externalAllocator: true }),
        DnsModule.register(config),
        AdminModule,
      ],
    };
  }
}

function weaveOptions(config: ProxyConfig): WeaveOptions {
  return {
    bridge: config.bridge,
    withIpam: config.withIpam,
    weavewaitDir: config.weavewaitDir,
    rewriteHosts: config.rewriteHosts,
    multicastRoute: config.multicastRoute,
    dnsDomain: config.withDns ? config.dnsDomain.replace(/\.$/, '') : undefined,
  };
}
