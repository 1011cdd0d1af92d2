import { DynamicModule, Global, Module } from '@nestjs/common';
import { IpamModule } from '@app/ipam';
import { ADDRESS_ALLOCATOR } from '@app/weave';
import { ProxyConfig } from '../config/proxy.config';
import { IpamAddressAllocator } from './ipam.address-allocator';

/** IPAM, configured from the proxy's config, offered to the weave lib as its AddressAllocator. */
@Global()
@Module({})
export class IpamAdapterModule {
  static register(config: ProxyConfig): DynamicModule {
    const ipam = IpamModule.register({
      range: config.iprange,
      store: config.store,
      stateDir: config.stateDir,
      hostId: config.hostId,
    });
    return {
      module: IpamAdapterModule,
      imports: [ipam],
      providers: [IpamAddressAllocator, { provide: ADDRESS_ALLOCATOR, useExisting: IpamAddressAllocator }],
      exports: [ADDRESS_ALLOCATOR, ipam],
    };
  }
}
