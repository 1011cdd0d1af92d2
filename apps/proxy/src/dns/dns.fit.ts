import * as dnsPacket from 'dns-packet';

// Classic DNS over UDP (RFC 1035 §4.2.1): without EDNS a reply never exceeds this.
export const UDP_MAX_SIZE = 512;
// What we accept of a client's EDNS offer (RFC 6891 §6.2.5); 1232 is the DNS flag day 2020 value
// that avoids IP fragmentation on every usual path.
export const EDNS_MAX_SIZE = 1232;

const HEADER_FLAGS = 2;
const HEADER_COUNTS = 6; // ANCOUNT, NSCOUNT, ARCOUNT: three 16-bit counts from this offset.
const QUESTION_NAME = 12; // The first question's name starts right after the header.

// dns-packet exports its record and name codecs; @types/dns-packet does not declare them.
interface Codec<T> {
  encode(value: T): Buffer;
  encodingLength(value: T): number;
}
const codec = dnsPacket as unknown as { answer: Codec<dnsPacket.Answer>; name: Codec<string> };

/**
 * The largest UDP reply `query` accepts: 512 bytes, or the payload size of its EDNS OPT record,
 * clamped to [512, EDNS_MAX_SIZE].
 */
export function udpLimit(query: dnsPacket.Packet): number {
  const opt = query.additionals?.find((a): a is dnsPacket.OptAnswer => a.type === 'OPT');
  if (!opt) return UDP_MAX_SIZE;
  return Math.min(EDNS_MAX_SIZE, Math.max(UDP_MAX_SIZE, opt.udpPayloadSize ?? UDP_MAX_SIZE));
}

/**
 * Encodes a response of at most `maxSize` bytes. Answers whose owner name is the first question's
 * name point at it (RFC 1035 §4.1.4 compression: 16 bytes per A record). As many answers as fit are
 * kept, in order; when one is left out the TC flag is set (RFC 2181 §9) and authority and
 * additional records are dropped, except an OPT record, which is kept whenever it fits. Without
 * truncation authorities and additionals are kept when they all fit, dropped otherwise.
 */
export function encodeFitting(packet: dnsPacket.Packet, maxSize: number): Buffer {
  const additionals = packet.additionals ?? [];
  const opt = additionals.filter((a) => a.type === 'OPT').map((a) => codec.answer.encode(a));
  const base = dnsPacket.encode({ ...packet, answers: [], authorities: [], additionals: [] });
  const qname = packet.questions?.[0]?.name;
  const answers = (packet.answers ?? []).map((a) => encodeRecord(a, qname));
  const budget = maxSize - base.length - byteLength(opt);
  const kept = takeFitting(answers, budget);
  const truncated = kept.length < answers.length;
  const rest = budget - byteLength(kept);
  const authorities = (packet.authorities ?? []).map((a) => encodeRecord(a, qname));
  const extra = additionals.filter((a) => a.type !== 'OPT').map((a) => encodeRecord(a, qname));
  const more = !truncated && byteLength(authorities) + byteLength(extra) <= rest;
  const reply = Buffer.concat([base, ...kept, ...(more ? [...authorities, ...extra] : []), ...opt]);
  if (truncated) reply.writeUInt16BE(reply.readUInt16BE(HEADER_FLAGS) | dnsPacket.TRUNCATED_RESPONSE, HEADER_FLAGS);
  reply.writeUInt16BE(kept.length, HEADER_COUNTS);
  reply.writeUInt16BE(more ? authorities.length : 0, HEADER_COUNTS + 2);
  reply.writeUInt16BE((more ? extra.length : 0) + opt.length, HEADER_COUNTS + 4);
  return reply.length <= maxSize ? reply : truncatedOnly(base);
}

// A record whose owner is the question name gets a pointer to offset 12 instead of the name.
function encodeRecord(record: dnsPacket.Answer, qname: string | undefined): Buffer {
  const full = codec.answer.encode(record);
  if (qname === undefined || record.name.toLowerCase() !== qname.toLowerCase()) return full;
  const nameLength = codec.name.encodingLength(record.name);
  const pointer = Buffer.from([0xc0 | (QUESTION_NAME >> 8), QUESTION_NAME & 0xff]);
  return Buffer.concat([pointer, full.subarray(nameLength)]);
}

function takeFitting(records: Buffer[], budget: number): Buffer[] {
  const kept: Buffer[] = [];
  let used = 0;
  for (const r of records) {
    if (used + r.length > budget) break;
    kept.push(r);
    used += r.length;
  }
  return kept;
}

function byteLength(buffers: Buffer[]): number {
  return buffers.reduce((n, b) => n + b.length, 0);
}

// Header, question and OPT exceed the limit (cannot happen at 512 bytes: a name is at most 255):
// header and question alone, TC set, counts zero.
function truncatedOnly(base: Buffer): Buffer {
  const reply = Buffer.from(base);
  reply.writeUInt16BE(reply.readUInt16BE(HEADER_FLAGS) | dnsPacket.TRUNCATED_RESPONSE, HEADER_FLAGS);
  reply.fill(0, HEADER_COUNTS, QUESTION_NAME);
  return reply;
}
