import { Module } from '@nestjs/common';
import { parseStoreUrl } from '@app/ipam';
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
    mtu: ethweMtu(config),
    dnsDomain: config.withDns ? config.dnsDomain.replace(/\.$/, '') : undefined,
  };
}

/** The VXLAN encapsulation's overhead on an IPv4 underlay, bytes (outer IP 20, UDP 8, VXLAN 8, inner Ethernet 14). */
export const VXLAN_OVERHEAD = 50;

/** `--mtu`, else with etcd (VXLAN between hosts) a 1500-byte underlay's MTU minus the overhead, else the bridge's. */
export function ethweMtu(config: ProxyConfig): number | undefined {
  if (config.mtu !== undefined) return config.mtu;
  const store = parseStoreUrl(config.store);
  return typeof store !== 'string' && store.kind === 'etcd' ? 1500 - VXLAN_OVERHEAD : undefined;
}
