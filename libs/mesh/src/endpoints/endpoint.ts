/**
 * One attached container of one host as its proxy publishes it for the others: what their weaveDNS
 * answers and where their VXLAN FDB sends its MAC. JSON in etcd under
 * `/weave-proxy/endpoints/<peerId>/<containerId>`, bound to the owner's peer lease, so a host whose
 * lease expires (or is revoked at a clean stop) takes its records with it.
 */
export interface EndpointRecord {
  /** The owner's host id (`PeerRecord.id`, 32 hex digits): its peer record gives the underlay address. */
  readonly peerId: string;
  /** The Docker container id (64 hex digits). */
  readonly containerId: string;
  /** The container name without Docker's leading `/`. */
  readonly name: string;
  /**
   * Its fully qualified names, lower case without the root dot (`c2.weave.local`); a reader answers
   * those inside its own DNS domain only. Empty when the container has no hostname.
   */
  readonly fqdns: readonly string[];
  /** Its ethwe addresses in CIDR form (`10.2.1.2/24`), first the primary. */
  readonly addresses: readonly string[];
  /** Its ethwe MAC, lower case `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** Parses a stored record; undefined for anything that is not one (another writer, an old format). */
export function parseEndpointRecord(json: string): EndpointRecord | undefined {
  let v: Partial<Record<keyof EndpointRecord, unknown>>;
  try {
    v = JSON.parse(json) as typeof v;
  } catch {
    return undefined;
  }
  const strings = (x: unknown, re?: RegExp) => Array.isArray(x) && x.every((s) => typeof s === 'string' && (!re || re.test(s)));
  const ok =
    typeof v?.peerId === 'string' && typeof v.containerId === 'string' && typeof v.name === 'string' &&
    typeof v.mac === 'string' && MAC.test(v.mac) && strings(v.fqdns) && strings(v.addresses, CIDR);
  return ok ? (v as unknown as EndpointRecord) : undefined;
}

/**
 * A container's fully qualified name as weaveDNS keys it: `<hostname>.<domainname>` (or the hostname
 * alone when it has no domain; Docker keeps `-h c2.weave.local` whole in Hostname), lower case,
 * without the root dot. Undefined without a hostname.
 */
export function fqdnOf(hostname: string | undefined, domainname?: string): string | undefined {
  if (!hostname) return undefined;
  return (domainname ? `${hostname}.${domainname}` : hostname).toLowerCase().replace(/\.+$/, '');
}

/** `<peerId>/<containerId>`: the record's key below the endpoints prefix. */
export function endpointKey(r: Pick<EndpointRecord, 'peerId' | 'containerId'>): string {
  return `${r.peerId}/${r.containerId}`;
}

/** Whether two records say the same thing (a publisher rewrites only records that changed). */
export function sameEndpoint(a: EndpointRecord, b: EndpointRecord): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(r: EndpointRecord): unknown[] {
  return [r.peerId, r.containerId, r.name, [...r.fqdns], [...r.addresses], r.mac];
}
