import { Ipv4Address } from '@app/common';
import { fqdnOf } from '@app/mesh';
import { ContainerStatus } from '../controller/container.status';

/** The parts of a container's status that name it in DNS. */
export type NamedContainer = Pick<ContainerStatus, 'phase' | 'addresses' | 'hostname' | 'domainname'>;

/** A container on another host, as its proxy published it (an `EndpointRecord` of `@app/mesh`). */
export interface RemoteEndpoint {
  /** Lower case, no root dot; only those strictly inside the domain are answered. */
  readonly fqdns: readonly string[];
  /** CIDR (`10.2.1.2/24`). */
  readonly addresses: readonly string[];
}

/** The other hosts' containers (`EndpointsService` with etcd; none without). */
export interface RemoteEndpoints {
  list(): readonly RemoteEndpoint[];
  /** Calls `listener` whenever `list()` may answer something else; answers the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export const NO_REMOTE_ENDPOINTS: RemoteEndpoints = { list: () => [], onChange: () => () => undefined };

/** `weave.local.` → `weave.local`: every name here is lower case without the root dot. */
export function normalizeDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.+$/, '');
}

/**
 * The name a query asks about, as the records are keyed: lower case, no root dot, and a single
 * label gets the domain appended (`c2` → `c2.weave.local`), as weaveDNS answered bare names.
 */
export function queryName(name: string, domain: string): string {
  const n = normalizeDomain(name);
  return n !== '' && !n.includes('.') ? `${n}.${normalizeDomain(domain)}` : n;
}

export function inDomain(name: string, domain: string): boolean {
  const d = normalizeDomain(domain);
  return name === d || name.endsWith(`.${d}`);
}

const REVERSE_ZONE = '.in-addr.arpa';

/**
 * `4.3.2.10.in-addr.arpa` → `10.2.3.4`; undefined for any other name. Labels of up to three digits
 * with leading zeros (`010`) are read as decimal, as they always were here.
 */
export function ptrAddress(name: string): string | undefined {
  const n = normalizeDomain(name);
  if (!n.endsWith(REVERSE_ZONE)) return undefined;
  const labels = n.slice(0, -REVERSE_ZONE.length).split('.').reverse();
  const decimal = labels.map((l) => (/^[0-9]{1,3}$/.test(l) ? String(Number(l)) : l));
  return Ipv4Address.tryParse(decimal.join('.'))?.toString();
}

/**
 * The name a container is registered under, or undefined: `<Hostname>.<Domainname>` (Docker keeps
 * `-h seetwo.weave.local` whole in Hostname, the proxy's derived names split it) when that lies
 * strictly inside the domain.
 */
export function registeredName(c: Pick<NamedContainer, 'hostname' | 'domainname'>, domain: string): string | undefined {
  const fqdn = fqdnOf(c.hostname, c.domainname);
  return fqdn !== undefined && strictlyInside(fqdn, domain) ? fqdn : undefined;
}

function strictlyInside(fqdn: string, domain: string): boolean {
  return fqdn !== normalizeDomain(domain) && inDomain(fqdn, domain);
}

/**
 * An immutable snapshot: name → addresses and address → names of every attached container, of this
 * host (`containers`) and of the others (`remote`). Several containers may share a name (all their addresses answer) and an address may carry
 * several names. Lookups take names already normalized by `queryName`.
 */
export class DnsRecords {
  private constructor(
    private readonly byName: ReadonlyMap<string, readonly string[]>,
    private readonly byAddress: ReadonlyMap<string, readonly string[]>,
  ) {}

  static build(containers: Iterable<NamedContainer>, domain: string, remote: Iterable<RemoteEndpoint> = []): DnsRecords {
    const byName = new Map<string, string[]>();
    const byAddress = new Map<string, string[]>();
    const add = (name: string, cidrs: readonly string[]) => {
      for (const address of cidrs.map((a) => a.split('/')[0])) {
        addUnique(byName, name, address);
        addUnique(byAddress, address, name);
      }
    };
    for (const c of containers) {
      const name = c.phase === 'attached' ? registeredName(c, domain) : undefined;
      if (name) add(name, c.addresses);
    }
    for (const r of remote) for (const name of r.fqdns.filter((n) => strictlyInside(n, domain))) add(name, r.addresses);
    return new DnsRecords(byName, byAddress);
  }

  /** Empty when the name is unknown. */
  addresses(name: string): readonly string[] {
    return this.byName.get(name) ?? [];
  }

  /** Empty when no attached container has this address. */
  names(address: string): readonly string[] {
    return this.byAddress.get(address) ?? [];
  }

  get size(): number {
    return this.byName.size;
  }
}

function addUnique(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}
