import { DynamicModule, Inject, Injectable, Module, ModuleMetadata, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { IpamStoreUnavailableError } from './errors';
import { IpamAllocator } from './ipam.allocator';
import { IpamOptions, IpamOptionsInput, resolveIpamOptions } from './ipam.config';
import { openLeaseStore } from './lease-store.factory';
import { LeaseStore } from './lease.store';

export const IPAM_OPTIONS = Symbol('IPAM_OPTIONS');
export const LEASE_STORE = Symbol('LEASE_STORE');

export interface IpamModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...deps: any[]) => IpamOptionsInput | Promise<IpamOptionsInput>;
  readonly inject?: any[];
}

/** Closes the store after every module's own shutdown hooks, which may still release leases. */
@Injectable()
export class LeaseStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(LEASE_STORE) private readonly store: LeaseStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Refuses to boot over a store whose leases belong to another range (`IpamRangeMismatchError`
 * naming both). A store that does not answer yet is checked again at its first use instead.
 */
@Injectable()
export class RangeGuard implements OnModuleInit {
  constructor(private readonly allocator: IpamAllocator) {}

  async onModuleInit(): Promise<void> {
    await this.allocator.checkRange().catch((err: unknown) => {
      if (!(err instanceof IpamStoreUnavailableError)) throw err;
    });
  }
}

const SHARED_PROVIDERS = [
  { provide: LEASE_STORE, useFactory: openLeaseStore, inject: [IPAM_OPTIONS] },
  LeaseStoreCloser,
  {
    provide: IpamAllocator,
    useFactory: (store: LeaseStore, options: IpamOptions) => new IpamAllocator(store, { ...options, bindRange: true }),
    inject: [LEASE_STORE, IPAM_OPTIONS],
  },
  RangeGuard,
];

/** IPAM for the proxy: `IpamAllocator` is its only export; the store is chosen by `options.store`. */
@Module({})
export class IpamModule {
  /** Options are validated when the application boots (`InvalidInputError` listing every problem). */
  static register(options: IpamOptionsInput = {}): DynamicModule {
    return {
      module: IpamModule,
      providers: [{ provide: IPAM_OPTIONS, useFactory: () => resolveIpamOptions(options) }, ...SHARED_PROVIDERS],
      exports: [IpamAllocator],
    };
  }

  /** For options that come from another provider (e.g. the proxy's config module). */
  static registerAsync(async: IpamModuleAsyncOptions): DynamicModule {
    const resolve = async (...deps: unknown[]) => resolveIpamOptions(await async.useFactory(...deps));
    return {
      module: IpamModule,
      imports: async.imports ?? [],
      providers: [{ provide: IPAM_OPTIONS, useFactory: resolve, inject: async.inject ?? [] }, ...SHARED_PROVIDERS],
      exports: [IpamAllocator],
    };
  }
}
