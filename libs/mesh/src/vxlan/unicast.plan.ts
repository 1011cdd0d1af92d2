import { EndpointRecord } from '../endpoints/endpoint';
import { PeerRecord } from '../peer';
import { MacTarget } from './vxlan.driver';

export interface UnicastPlan {
  /** Entries to make or re-point (`bridge fdb replace`), by MAC. */
  readonly set: MacTarget[];
  /** Entries to delete: MACs no live remote container has, or a stale second destination. */
  readonly remove: MacTarget[];
}

/**
 * What the unicast FDB entries should become: each MAC of a container published by a live remote
 * peer (`remote`: live peers other than this host) points at that peer's underlay address. A MAC
 * published by two peers (a container moved; the old host's lease has not run out yet) goes to the
 * peer that sorts last by id, the same choice on every host. `present`: the kernel's entries now.
 */
export function unicastPlan(remote: readonly PeerRecord[], endpoints: readonly EndpointRecord[], present: readonly MacTarget[]): UnicastPlan {
  const addressOf = new Map(remote.map((p) => [p.id, p.address]));
  const wanted = new Map<string, string>();
  for (const r of [...endpoints].sort((a, b) => a.peerId.localeCompare(b.peerId))) {
    const address = addressOf.get(r.peerId);
    if (address && r.mac) wanted.set(r.mac, address);
  }
  const pointed = new Set(present.filter((t) => wanted.get(t.mac) === t.address).map((t) => t.mac));
  const set = [...wanted].filter(([mac]) => !pointed.has(mac)).map(([mac, address]) => ({ mac, address }));
  // `replace` re-points an entry's (first) destination; a second destination of a MAC already
  // pointed right (appended by hand) goes, as does every entry of a MAC no longer wanted.
  const remove = present.filter((t) => !wanted.has(t.mac) || (pointed.has(t.mac) && wanted.get(t.mac) !== t.address));
  return { set: set.sort((a, b) => a.mac.localeCompare(b.mac)), remove };
}
