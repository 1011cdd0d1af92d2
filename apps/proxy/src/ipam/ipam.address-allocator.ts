import { Inject, Injectable } from '@nestjs/common';
import { Ipv4Address, Ipv4Cidr } from '@app/common';
import { AllocationRequest, IpamAllocator, Lease } from '@app/ipam';
import { AcquireMeta, AddressAllocator, InterfaceAddress, WeaveCidrRequest } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { MetricsService } from '../metrics/metrics.service';

/**
 * The weave lib's AddressAllocator port on top of IPAM. An allocation request is served from an
 * address already on the container's ethwe when one fits (claimed for the same owner, which is
 * idempotent), so a container keeps its address even if the store lost its lease.
 */
@Injectable()
export class IpamAddressAllocator implements AddressAllocator {
  constructor(
    private readonly ipam: IpamAllocator,
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    metrics: MetricsService,
  ) {
    metrics.gauge('weave_proxy_ipam_addresses', 'Addresses of the allocation range, total and used', ['range', 'state'], async () => {
      const u = await this.ipam.usage().catch(() => undefined);
      if (!u) return [];
      return [
        [{ range: u.range, state: 'total' }, u.size],
        [{ range: u.range, state: 'used' }, u.used],
      ];
    });
  }

  async acquire(owner: string, requests: WeaveCidrRequest[], meta: AcquireMeta): Promise<InterfaceAddress[]> {
    const stale = meta.stale && ((holder: Lease) => (meta.stale as (id: string) => Promise<boolean>)(holder.owner));
    const leases = await this.ipam.allocateAll(owner, this.toIpam(requests, meta.current ?? []), { name: meta.name, stale });
    return leases.map((l) => ({ address: l.address, prefixLength: l.prefixLength }));
  }

  async release(owner: string): Promise<void> {
    await this.ipam.release(owner);
  }

  async prune(live: ReadonlySet<string>, listedAt: Date): Promise<void> {
    await this.ipam.prune(live, listedAt);
  }

  private toIpam(requests: WeaveCidrRequest[], current: InterfaceAddress[]): AllocationRequest[] {
    const unused = [...current];
    const take = (subnet: Ipv4Cidr) => {
      const i = unused.findIndex((a) => inSubnet(a.address, subnet));
      return i < 0 ? undefined : unused.splice(i, 1)[0];
    };
    // Explicit claims first take their own addresses out of the candidates.
    for (const r of requests) if (r.kind === 'claim') take(Ipv4Cidr.of(Ipv4Address.parse(r.address), 32));
    return requests.map((r): AllocationRequest => {
      if (r.kind === 'claim') return { type: 'ip', address: r.address, prefixLength: r.prefixLength };
      const subnet = Ipv4Cidr.parse(r.subnet ?? this.config.iprange);
      const have = take(subnet);
      const prefixLength = subnet.prefixLength;
      return have && have.prefixLength === prefixLength
        ? { type: 'ip', address: have.address, prefixLength }
        : { type: 'net', subnet: r.subnet };
    });
  }
}

// An address already on ethwe that is not a canonical IPv4 address (none should be) fits nothing.
function inSubnet(address: string, subnet: Ipv4Cidr): boolean {
  const parsed = Ipv4Address.tryParse(address);
  return parsed !== undefined && subnet.contains(parsed);
}
