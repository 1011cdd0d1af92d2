/**
 * One proxy of the weave network as it registers itself in the shared store: what the others need
 * to reach its containers. JSON in etcd under `<prefix><id>`, bound to the peer's lease.
 */
export interface PeerRecord {
  /** The stable host id (`loadOrCreateHostId`): 32 hex digits. */
  readonly id: string;
  /** Its underlay IPv4 address: where VXLAN packets for its containers go. */
  readonly address: string;
  /** The MTU of its weave bridge, bytes. */
  readonly mtu: number;
  /** For people reading `weave status`; never an identity (two hosts may share one). */
  readonly hostname: string;
  /** When it (re)registered, ISO 8601. */
  readonly since: string;
}

/** Parses a stored record; undefined for anything that is not one (another writer, an old format). */
export function parsePeerRecord(json: string): PeerRecord | undefined {
  let value: Partial<PeerRecord>;
  try {
    value = JSON.parse(json) as Partial<PeerRecord>;
  } catch {
    return undefined;
  }
  const ok =
    typeof value?.id === 'string' && typeof value.address === 'string' && Number.isInteger(value.mtu) &&
    typeof value.hostname === 'string' && typeof value.since === 'string';
  return ok ? (value as PeerRecord) : undefined;
}
