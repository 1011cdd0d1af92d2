import type { Etcd3, Lease, Namespace } from 'etcd3';
import { PeerRecord, parsePeerRecord } from './peer';
import { EtcdEndpointRegistry } from './endpoints/etcd.endpoint-registry';
import { guardEtcd, watchEtcdPrefix } from './etcd.guard';
import { PeerRegistry } from './peer.registry';

export interface EtcdPeerRegistryOptions {
  /** Key prefix of the peer list; default `/weave-proxy/peers/`. */
  readonly prefix?: string;
  /** Time budget of one call; default 4.5 s (as the IPAM store's). */
  readonly timeoutMs?: number;
}

const DEFAULT_PREFIX = '/weave-proxy/peers/';
/** How long after a lost lease a new one is made. */
const REJOIN_PAUSE_MS = 1000;

/**
 * The peer list in etcd: `<prefix><id>` → `PeerRecord` JSON, attached to this peer's lease (etcd3's
 * Lease keeps it alive every TTL/3). A lost lease (etcd unreachable longer than the TTL, or the
 * lease revoked by hand) is replaced by a new one and the record put again.
 */
export class EtcdPeerRegistry implements PeerRegistry {
  private readonly client: Etcd3;
  private readonly kv: Namespace;
  private lease: Lease | undefined;
  private closed = false;
  private rejoin?: NodeJS.Timeout;

  /** `endpoints`: `http://host:port` URLs (see the IPAM's `parseStoreUrl`). Connects lazily. */
  constructor(
    private readonly endpoints: string[],
    options: EtcdPeerRegistryOptions = {},
  ) {
    const budget = options.timeoutMs ?? 4500;
    this.client = new (loadEtcd3())({
      hosts: endpoints,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + budget / 3 }),
    });
    this.kv = this.client.namespace(options.prefix ?? DEFAULT_PREFIX);
  }

  async join(self: PeerRecord, ttlSeconds: number, onLost?: (err: Error) => void): Promise<void> {
    const lease = this.kv.lease(ttlSeconds);
    this.lease = lease;
    lease.on('lost', (err) => {
      if (this.closed || this.lease !== lease) return;
      onLost?.(err);
      // A new lease, a new put, after a pause: with etcd down the new lease is lost at once too,
      // and replacing it at once spun the event loop (100% CPU, every request through the proxy
      // waiting seconds). Still down then: lost again, retried again, at this pace.
      clearTimeout(this.rejoin);
      this.rejoin = setTimeout(() => void this.join(self, ttlSeconds, onLost).catch((e: Error) => onLost?.(e)), REJOIN_PAUSE_MS).unref();
    });
    await this.guard(() => lease.put(self.id).value(JSON.stringify(self)).exec());
  }

  async list(): Promise<PeerRecord[]> {
    const values = await this.guard(() => this.kv.getAll().strings());
    return Object.keys(values)
      .sort()
      .map((key) => parsePeerRecord(values[key]))
      .filter((p): p is PeerRecord => p !== undefined);
  }

  watch(onChange: () => void): Promise<() => void> {
    return watchEtcdPrefix(this.endpoints, this.kv, onChange);
  }

  async leave(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await this.guard(() => lease.revoke());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rejoin);
    this.lease?.release();
    this.client.close();
  }

  /**
   * The endpoint records of this network in the same etcd, each written under this peer's current
   * lease (the one `join` made, or its replacement after a loss); before `join` a put rejects.
   */
  endpointRegistry(prefix?: string): EtcdEndpointRegistry {
    const leaseId = () => (this.lease ? this.lease.grant() : Promise.reject(new Error('not joined: no peer lease')));
    return new EtcdEndpointRegistry(this.client, leaseId, this.endpoints, prefix);
  }

  private guard<T>(call: () => Promise<T>): Promise<T> {
    return guardEtcd(this.endpoints, call);
  }
}

/**
 * etcd3 (gRPC and its protobufs) is loaded on first use: it costs about 24 MB of resident memory,
 * and only `--store etcd://` needs it.
 */
function loadEtcd3(): typeof Etcd3 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('etcd3') as typeof import('etcd3')).Etcd3;
}
