export { IpamModule } from './ipam.module';
export type { IpamModuleAsyncOptions } from './ipam.module';
export { IpamAllocator } from './ipam.allocator';
export type { IpamAllocatorOptions } from './ipam.allocator';
export type { AllocateOptions, AllocationRequest, ClaimOptions, IpamUsage } from './allocation.request';
export type { Lease, LeaseKind } from './lease';
export type { AddressSpan, LeaseStore, ReserveResult } from './lease.store';
export { IPAM_DEFAULTS, resolveIpamOptions } from './ipam.config';
export type { IpamOptions, IpamOptionsInput } from './ipam.config';
export {
  IpamConflictError,
  IpamErrorCode,
  IpamExhaustedError,
  IpamRangeMismatchError,
  IpamStoreUnavailableError,
} from './errors';
export { SqliteLeaseStore } from './sqlite.lease-store';
export { EtcdLeaseStore } from './etcd.lease-store';
export type { EtcdLeaseStoreOptions } from './etcd.lease-store';
export { MemoryLeaseStore } from './memory.lease-store';
export { openLeaseStore } from './lease-store.factory';
export { parseStoreUrl } from './store.url';
export type { StoreLocation } from './store.url';
