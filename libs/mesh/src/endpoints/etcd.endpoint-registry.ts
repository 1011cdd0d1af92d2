import { Etcd3, Namespace } from 'etcd3';
import { guardEtcd, watchEtcdPrefix } from '../etcd.guard';
import { EndpointRecord, endpointKey, parseEndpointRecord } from './endpoint';
import { EndpointRegistry } from './endpoint.registry';

/** Key prefix of the endpoint records: a sibling of the peer list, so peer watches stay quiet. */
export const ENDPOINTS_PREFIX = '/weave-proxy/endpoints/';

/**
 * Endpoint records in etcd: `<prefix><peerId>/<containerId>` → `EndpointRecord` JSON, each put with
 * the owner's current peer lease id (`leaseId`, from `EtcdPeerRegistry.endpoints()`), so the records
 * vanish with the lease. Shares the peer registry's client and time budget.
 */
export class EtcdEndpointRegistry implements EndpointRegistry {
  private readonly kv: Namespace;

  constructor(
    client: Etcd3,
    private readonly leaseId: () => Promise<string>,
    private readonly endpoints: readonly string[],
    prefix = ENDPOINTS_PREFIX,
  ) {
    this.kv = client.namespace(prefix);
  }

  async list(peerId?: string): Promise<EndpointRecord[]> {
    const values = await this.guard(() => this.kv.getAll().prefix(peerId ? `${peerId}/` : '').strings());
    return Object.keys(values)
      .sort()
      .map((key) => parseEndpointRecord(values[key]))
      .filter((r): r is EndpointRecord => r !== undefined);
  }

  async put(record: EndpointRecord): Promise<void> {
    await this.guard(async () => {
      const lease = await this.leaseId();
      await this.kv.put(endpointKey(record)).value(JSON.stringify(record)).lease(lease).exec();
    });
  }

  async remove(peerId: string, containerId: string): Promise<void> {
    await this.guard(() => this.kv.delete().key(endpointKey({ peerId, containerId })).exec());
  }

  watch(onChange: () => void): Promise<() => void> {
    return watchEtcdPrefix(this.endpoints, this.kv, onChange);
  }

  private guard<T>(call: () => Promise<T>): Promise<T> {
    return guardEtcd(this.endpoints, call);
  }
}
