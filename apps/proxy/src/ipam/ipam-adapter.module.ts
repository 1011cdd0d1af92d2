import { Module } from '@nestjs/common';
import { IpamModule } from '@app/ipam';
import { ADDRESS_ALLOCATOR } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsModule } from '../metrics/metrics.module';
import { IpamAddressAllocator } from './ipam.address-allocator';
import { localPeerId } from './local.peer-id';

// One DynamicModule object, so the store is opened once whoever imports IpamAdapterModule.
const ipam = IpamModule.registerAsync({
  useFactory: (config: ProxyConfig) => ({
    range: config.iprange,
    store: config.store,
    stateDir: config.stateDir,
    hostId: config.hostId,
    peerId: localPeerId(config),
  }),
  inject: [PROXY_CONFIG],
});

/**
 * IPAM (`--iprange`, `--store`), offered to the weave lib as its ADDRESS_ALLOCATOR and to the
 * admin API as `IpamAllocator` (allocations, usage).
 */
@Module({
  imports: [ipam, MetricsModule],
  providers: [IpamAddressAllocator, { provide: ADDRESS_ALLOCATOR, useExisting: IpamAddressAllocator }],
  exports: [ADDRESS_ALLOCATOR, ipam],
})
export class IpamAdapterModule {}
