import type { Etcd3, IOptions, Namespace } from 'etcd3';
import { isDomainError } from '@app/common';
import { IpamStoreUnavailableError } from './errors';
import { EtcdKeys } from './etcd.keys';
import { Lease } from './lease';
import { AddressSpan, LeaseStore, ReserveResult } from './lease.store';

export interface EtcdLeaseStoreOptions {
  /** Key prefix shared by every proxy using this range. */
  readonly prefix?: string;
  /** Time budget of one operation, retries included: an unreachable cluster fails within about this. */
  readonly timeoutMs?: number;
}

const DEFAULT_PREFIX = '/weave-proxy/ipam/';
const DEFAULT_TIMEOUT_MS = 4500;
// etcd3's default fault handling tries a call up to 3 times (another endpoint each time).
const ATTEMPTS = 3;
const MAX_RELEASE_ATTEMPTS = 5;

/**
 * The multi-host store. A reservation is one etcd transaction, "create addr/<address> only if it
 * has never been created (create revision 0)", so two hosts can never hold one address; the owner
 * index and the round-robin cursor are written in that same transaction.
 */
export class EtcdLeaseStore implements LeaseStore {
  private readonly client: Etcd3;
  private readonly kv: Namespace;

  /** `endpoints` are `http://host:port` URLs (see `parseStoreUrl`). Connects lazily. */
  constructor(
    private readonly endpoints: string[],
    options: EtcdLeaseStoreOptions = {},
  ) {
    const attemptMs = (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / ATTEMPTS;
    const clientOptions: IOptions = {
      hosts: endpoints,
      // Without a deadline a call to a silent endpoint waits for a connection indefinitely.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + attemptMs }),
    };
    this.client = new (loadEtcd3())(clientOptions);
    this.kv = this.client.namespace(options.prefix ?? DEFAULT_PREFIX);
  }

  async reserve(lease: Lease, moveCursor: boolean): Promise<ReserveResult> {
    const key = EtcdKeys.address(lease.address);
    const json = JSON.stringify(lease);
    const writes = [this.kv.put(key).value(json), this.kv.put(EtcdKeys.owner(lease.owner, lease.address)).value(json)];
    if (moveCursor) writes.push(this.kv.put(EtcdKeys.cursor(lease.subnet)).value(lease.address));
    const result = await this.guard(() =>
      this.kv.if(key, 'Create', '==', 0).then(...writes).else(this.kv.get(key)).commit(),
    );
    if (result.succeeded) return { reserved: true, lease };
    const holder = result.responses[0].response_range?.kvs[0]?.value;
    return { reserved: false, holder: JSON.parse(String(holder)) as Lease };
  }

  async release(lease: Lease): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_RELEASE_ATTEMPTS; attempt++) {
      const outcome = await this.tryRelease(lease);
      if (outcome !== 'raced') return outcome === 'released';
    }
    return false;
  }

  async releaseOwner(owner: string, host: string): Promise<Lease[]> {
    const mine = (await this.findByOwner(owner)).filter((lease) => lease.host === host);
    const released: Lease[] = [];
    for (const lease of mine) if (await this.release(lease)) released.push(lease);
    return released;
  }

  async findByOwner(owner: string): Promise<Lease[]> {
    return this.leasesIn(() => this.kv.getAll().prefix(EtcdKeys.ownerPrefix(owner)).strings());
  }

  async list(span?: AddressSpan): Promise<Lease[]> {
    if (!span) return this.leasesIn(() => this.kv.getAll().prefix(EtcdKeys.addressPrefix).strings());
    return this.leasesIn(() => this.kv.getAll().inRange(EtcdKeys.addressRange(span)).strings());
  }

  async bindRange(range: string): Promise<string> {
    const result = await this.guard(() =>
      this.kv.if(EtcdKeys.range, 'Create', '==', 0).then(this.kv.put(EtcdKeys.range).value(range)).else(this.kv.get(EtcdKeys.range)).commit(),
    );
    if (result.succeeded) return range;
    return String(result.responses[0].response_range?.kvs[0]?.value);
  }

  async lastReserved(subnet: string): Promise<string | undefined> {
    return (await this.guard(() => this.kv.get(EtcdKeys.cursor(subnet)).string())) ?? undefined;
  }

  async ping(): Promise<void> {
    await this.guard(() => this.kv.get(EtcdKeys.cursor('ping')).exists());
  }

  async close(): Promise<void> {
    this.client.close();
  }

  // Deletes both keys only if addr/<address> is unchanged since it was read as this owner's, so a
  // release never removes an address that was meanwhile released and taken by someone else.
  private async tryRelease(lease: Lease): Promise<'released' | 'not-held' | 'raced'> {
    const key = EtcdKeys.address(lease.address);
    const current = (await this.guard(() => this.kv.get(key).exec())).kvs[0];
    if (!current) return 'not-held';
    const held = JSON.parse(current.value.toString()) as Lease;
    if (held.owner !== lease.owner || held.host !== lease.host) return 'not-held';
    const ownerKey = EtcdKeys.owner(lease.owner, lease.address);
    const result = await this.guard(() =>
      this.kv
        .if(key, 'Mod', '==', current.mod_revision)
        .then(this.kv.delete().key(key), this.kv.delete().key(ownerKey))
        .commit(),
    );
    return result.succeeded ? 'released' : 'raced';
  }

  private async leasesIn(read: () => Promise<Record<string, string>>): Promise<Lease[]> {
    const values = await this.guard(read);
    return Object.keys(values)
      .sort()
      .map((key) => JSON.parse(values[key]) as Lease);
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isDomainError(err)) throw err;
      const where = `etcd://${this.endpoints.map((e) => e.replace(/^https?:\/\//, '')).join(',')}`;
      throw new IpamStoreUnavailableError(`IPAM store ${where} is unavailable: ${describeFailure(err)}`);
    }
  }
}

// gRPC messages carry status codes and resolver notes; cockatiel's "circuit breaker is open" means
// the endpoint failed repeatedly just before. Keep one plain line for the Docker client.
function describeFailure(err: unknown): string {
  const message = String((err as Error)?.message ?? err);
  if (/circuit breaker is open/.test(message)) return 'recent calls failed, next attempt allowed in a few seconds';
  return message
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/(\. )?Resolution note:.*$/s, '')
    .replace(/,(Waiting for LB pick|name resolution:.*)$/, '')
    .replace(/\. Last error: Error: (.*)$/, ' ($1)')
    .trim();
}

/**
 * etcd3 (gRPC and its protobufs) is loaded on first use: it costs about 24 MB of resident memory,
 * and only `--store etcd://` needs it.
 */
function loadEtcd3(): typeof Etcd3 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('etcd3') as typeof import('etcd3')).Etcd3;
}
