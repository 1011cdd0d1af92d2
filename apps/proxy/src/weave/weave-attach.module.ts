import { Module } from '@nestjs/common';
import { WeaveModule, WeaveOptions } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { DockerClientModule } from '../docker/docker-client.module';
import { IpamAdapterModule } from '../ipam/ipam-adapter.module';

// One DynamicModule object: one AttachService (and one address book) for the whole proxy.
const weave = WeaveModule.registerAsync({
  imports: [DockerClientModule, IpamAdapterModule],
  useFactory: weaveOptions,
  inject: [PROXY_CONFIG],
  externalAllocator: true,
});

/** The weave attach (bridge, veth, netns, /etc/hosts), with addresses from IPAM. */
@Module({ imports: [weave], exports: [weave] })
export class WeaveAttachModule {}

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
