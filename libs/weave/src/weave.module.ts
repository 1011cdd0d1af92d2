import { DynamicModule, Injectable, Module, ModuleMetadata, OnModuleInit, Provider } from '@nestjs/common';
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
    await this.attach.ensureBridge();
  }
}

/**
 * How the weave lib is wired into an application. `imports` must provide the `DockerClient`
 * (`DockerModule`) and, with `externalAllocator`, the `ADDRESS_ALLOCATOR` (the app's IPAM);
 * without it only explicit claims work (`ClaimOnlyAllocator`).
 */
export interface WeaveModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...deps: any[]) => WeaveOptions;
  readonly inject?: any[];
  readonly externalAllocator?: boolean;
}

/** The weave attach (`AttachService`) and its options. Not global: import it where it is used. */
@Module({})
export class WeaveModule {
  static registerAsync(async: WeaveModuleAsyncOptions): DynamicModule {
    const allocator: Provider[] = async.externalAllocator ? [] : [{ provide: ADDRESS_ALLOCATOR, useClass: ClaimOnlyAllocator }];
    return {
      module: WeaveModule,
      imports: async.imports ?? [],
      providers: [
        { provide: WEAVE_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] },
        { provide: NETWORK_DRIVER, useFactory: () => new IprouteNetworkDriver(new SpawnCommandRunner()) },
        ...allocator,
        AttachService,
        BridgeInitializer,
      ],
      exports: [AttachService, WEAVE_OPTIONS],
    };
  }
}
