import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ERRORS, InvalidInputError, Ipv4Cidr } from '@app/common';
import { HOST_OWNER_PREFIX, IpamAllocator, Lease } from '@app/ipam';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { localOwnerId } from '../ipam/local.peer-id';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { BridgeAddresses } from './bridge.addresses';

/** The `BridgeAddresses` port (iproute2 in production). */
export const BRIDGE_ADDRESSES = Symbol('BRIDGE_ADDRESSES');

/**
 * `weave expose` / `weave hide` (after the original's): the host itself gets addresses on the weave
 * bridge, so its processes reach the containers (and, across hosts, every container of the subnet).
 * Each address is an IPAM lease of the host owner `weave:expose:<peer id or --host-id>`: never
 * given to a container, never pruned, reclaimed with a dead peer's other leases. At start the
 * leases this host holds are put on the bridge again (the kernel forgets them when the bridge goes).
 */
@Injectable()
export class ExposeService implements OnApplicationBootstrap {
  private readonly owner: string;
  private readonly log: Logger;

  constructor(
    private readonly ipam: IpamAllocator,
    @Inject(BRIDGE_ADDRESSES) private readonly bridge: BridgeAddresses,
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.owner = `${HOST_OWNER_PREFIX}expose:${localOwnerId(config)}`;
    this.log = root.child({ component: 'expose' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.exposeAll(await this.exposed()).catch((err: unknown) => {
      this.log.warn({ error: (err as Error).message }, 'exposed addresses not restored');
    });
  }

  /**
   * Exposes the host and returns every CIDR it now has on the bridge. `cidr` unset: an address of
   * the allocation range (`--iprange`); a network (`10.2.5.0/24`): an address of that subnet of the
   * range; an address (`10.2.1.254/24`): exactly that one. Idempotent per subnet. Throws
   * `InvalidInputError` (WPX_BAD_REQUEST) for text that is not a CIDR, and IPAM's errors
   * (`WPX_ADDRESS_IN_USE`, `WPX_IPAM_SUBNET_OUTSIDE_RANGE`, ...).
   */
  async expose(cidr?: string): Promise<string[]> {
    if (cidr === undefined) await this.ipam.allocate(this.owner, { name: 'weave:expose' });
    else {
      const value = parse(cidr);
      if (value.isNetwork) await this.ipam.allocate(this.owner, { subnet: cidr, name: 'weave:expose' });
      else await this.ipam.claim(this.owner, value.address.toString(), value.prefixLength, { name: 'weave:expose' });
    }
    const leases = await this.exposed();
    await this.exposeAll(leases);
    this.log.info({ cidrs: leases.map(toCidr) }, 'host exposed');
    return leases.map(toCidr);
  }

  /** Removes every exposed address from the bridge and releases it; returns them (CIDRs). */
  async hide(): Promise<string[]> {
    const leases = await this.exposed();
    for (const lease of leases) await this.bridge.remove(this.config.bridge, toCidr(lease));
    await this.ipam.release(this.owner);
    this.log.info({ cidrs: leases.map(toCidr) }, 'host hidden');
    return leases.map(toCidr);
  }

  /** This host's exposed addresses. */
  async exposed(): Promise<Lease[]> {
    return this.ipam.leasesOf(this.owner);
  }

  private async exposeAll(leases: Lease[]): Promise<void> {
    for (const lease of leases) await this.bridge.add(this.config.bridge, toCidr(lease));
  }
}

function parse(text: string): Ipv4Cidr {
  try {
    return Ipv4Cidr.parse(text);
  } catch (err) {
    throw new InvalidInputError(ERRORS.WPX_BAD_REQUEST, (err as Error).message);
  }
}

function toCidr(lease: Lease): string {
  return `${lease.address}/${lease.prefixLength}`;
}
