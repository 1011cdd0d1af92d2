import * as dnsPacket from 'dns-packet';
import { EDNS_MAX_SIZE, encodeFitting } from './dns.fit';
import { DnsRecords, inDomain, normalizeDomain, ptrAddress, queryName } from './dns.records';

/** Records answer for 1 s: containers come and go, clients must ask again. */
export const TTL_SECONDS = 1;
export { UDP_MAX_SIZE } from './dns.fit';

/** What weaveDNS answers itself; undefined from `answerLocally` means "forward upstream". */
export interface LocalAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: dnsPacket.Answer[];
}

const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

export type Shuffle = <T>(items: T[]) => T[];

/**
 * Answers one question from the records, or undefined when it is not ours to answer:
 * - a name in the domain (a single label counts as one): A with every address, shuffled;
 *   another type of a known name (or of the domain itself) NOERROR without answers; NXDOMAIN else;
 * - PTR of an address an attached container has: its names;
 * - everything else: undefined.
 */
export function answerLocally(
  q: dnsPacket.Question,
  records: DnsRecords,
  domain: string,
  shuffle: Shuffle = shuffled,
): LocalAnswer | undefined {
  const name = queryName(q.name, domain);
  const ptr = q.type === 'PTR' ? ptrAddress(name) : undefined;
  if (ptr !== undefined) return ptrAnswer(q.name, records.names(ptr));
  if (!inDomain(name, domain)) return undefined;
  const addresses = records.addresses(name);
  if (addresses.length === 0 && name !== normalizeDomain(domain)) return { rcode: 'NXDOMAIN', answers: [] };
  if (q.type !== 'A') return { rcode: 'NOERROR', answers: [] };
  return {
    rcode: 'NOERROR',
    answers: shuffle([...addresses]).map((data) => ({ type: 'A', name: q.name, ttl: TTL_SECONDS, data })),
  };
}

function ptrAnswer(qname: string, names: readonly string[]): LocalAnswer | undefined {
  if (names.length === 0) return undefined;
  return { rcode: 'NOERROR', answers: names.map((data) => ({ type: 'PTR', name: qname, ttl: TTL_SECONDS, data })) };
}

/**
 * A response to `query` (same id and question) with `rcode`; authoritative for local answers.
 * At most `maxSize` bytes: the answers that fit, TC set when some were left out (`encodeFitting`).
 * A query with an EDNS OPT record gets one back offering EDNS_MAX_SIZE (RFC 6891 §7).
 */
export function encodeResponse(
  query: dnsPacket.Packet,
  rcode: keyof typeof RCODES,
  answers: dnsPacket.Answer[] = [],
  maxSize = Infinity,
): Buffer {
  const authoritative = rcode === 'NOERROR' || rcode === 'NXDOMAIN' ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
  const flags = authoritative | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE;
  const edns = query.additionals?.some((a) => a.type === 'OPT');
  const opt = { type: 'OPT', name: '.', udpPayloadSize: EDNS_MAX_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0 };
  const packet: dnsPacket.Packet = {
    type: 'response',
    id: query.id ?? 0,
    flags: flags | RCODES[rcode],
    questions: query.questions ?? [],
    answers,
    additionals: edns ? [opt as dnsPacket.Answer] : [],
  };
  return encodeFitting(packet, Math.min(maxSize, 65_535));
}

/** Fisher–Yates on the given array (callers pass a copy). */
export function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
