import { EtcdLeaseStore } from '../etcd.lease-store';
import { LeaseStore } from '../lease.store';
import { MemoryLeaseStore } from '../memory.lease-store';
import { SqliteLeaseStore } from '../sqlite.lease-store';
import { EtcdServer, etcdSkipReason, startEtcd } from './etcd.harness';
import { makeTempDir, removeDir } from './temp-dir';

/**
 * One kind of store for table-driven tests: `fresh()` gives an empty store private to one test
 * (memory: a new map; sqlite: a new temp dir; etcd: a new key prefix on one shared server).
 */
export interface StoreBackend {
  readonly name: string;
  readonly skip: string | false;
  setUp(): Promise<void>;
  fresh(): Promise<LeaseStore>;
  tearDown(): Promise<void>;
}

export function memoryBackend(): StoreBackend {
  return {
    name: 'memory',
    skip: false,
    setUp: async () => undefined,
    fresh: async () => new MemoryLeaseStore(),
    tearDown: async () => undefined,
  };
}

export function sqliteBackend(): StoreBackend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    skip: false,
    setUp: async () => undefined,
    fresh: async () => {
      dirs.push(makeTempDir('sqlite'));
      return SqliteLeaseStore.open(dirs[dirs.length - 1]);
    },
    tearDown: async () => dirs.forEach(removeDir),
  };
}

export function etcdBackend(): StoreBackend {
  let server: EtcdServer | undefined;
  let tests = 0;
  return {
    name: 'etcd',
    skip: etcdSkipReason,
    setUp: async () => {
      server = await startEtcd();
    },
    fresh: async () => new EtcdLeaseStore([server!.endpoint], { prefix: `/test/${++tests}/` }),
    tearDown: async () => server?.stop(),
  };
}
