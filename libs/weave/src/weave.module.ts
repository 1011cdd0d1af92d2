import { DynamicModule, Injectable, Module, ModuleMetadata, OnModuleInit } from '@nestjs/common';
import { ADDRESS_ALLOCATOR, ClaimOnlyAllocator } from './attach/address.allocator';
import { AttachService } from './attach/attach.service';
import { WEAVE_OPTIONS, WeaveOptions } from './attach/weave.options';
import { SpawnCommandRunner } from './network/command.runner';
import { IprouteNetworkDriver } from './network/iproute.network-driver';
import { NETWORK_DRIVER } from './network/network.driver';

/** Makes sure the bridge exists before the first container is attached. */
@Injectable()
class BridgeInitializer implements OnModuleInit {
  constructor(private readonly attach: AttachService) {}

  async onModuleInit(): Promise<void> {
    await this.attach.converger.ensureBridge();
  }
}

export interface WeaveModuleExtras {
  imports?: ModuleMetadata['imports'];
  /**
   * True when ADDRESS_ALLOCATOR comes from an imported or global module (the app's IPAM);
   * otherwise only explicit claims work (ClaimOnlyAllocator).
   */
  externalAllocator?: boolean;
}

@Module({})
export class WeaveModule {
  static register(options: WeaveOptions, extras: WeaveModuleExtras = {}): DynamicModule {
    return {
      module: WeaveModule,
      global: true,
      imports: extras.imports ?? [],
      providers: [
        { provide: WEAVE_OPTIONS, useValue: options },
        { provide: NETWORK_DRIVER, useFactory: () => new IprouteNetworkDriver(new SpawnCommandRunner()) },
        ...(extras.externalAllocator ? [] : [{ provide: ADDRESS_ALLOCATOR, useClass: ClaimOnlyAllocator }]),
        AttachService,
        BridgeInitializer,
      ],
      exports: [AttachService, WEAVE_OPTIONS],
    };
  }
}
