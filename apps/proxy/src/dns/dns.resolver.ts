import * as dnsPacket from 'dns-packet';
import { ContainerStatusStore } from '../controller/container.status';
import { answerLocally, encodeResponse, Shuffle, shuffled } from './dns.answer';
import { encodeFitting, udpLimit } from './dns.fit';
import { DnsRecords, NO_REMOTE_ENDPOINTS, RemoteEndpoints } from './dns.records';
import { UpstreamForwarder } from './upstream.forwarder';

export type DnsOutcome = 'answered' | 'nxdomain' | 'forwarded' | 'servfail' | 'invalid';
export type DnsTransport = 'udp' | 'tcp';

// RFC 1035 §4.2.2: TCP messages carry a 16-bit length.
const TCP_MAX_SIZE = 65_535;

export interface DnsReply {
  reply: Buffer;
  outcome: DnsOutcome;
  /** The first question, for logs. */
  name?: string;
  type?: string;
}

/**
 * Answers one DNS message: from the records the controller's state yields, or through the
 * upstreams. The records are rebuilt on the first query after any container status or the other
 * hosts' records (`remote`) changed, so a stopped container's name is gone as soon as its reconcile
 * has run, and a dead host's names as soon as its lease expired.
 */
export class DnsResolver {
  private records?: DnsRecords;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly statuses: ContainerStatusStore,
    private readonly domain: string,
    private readonly forwarder: UpstreamForwarder,
    private readonly shuffle: Shuffle = shuffled,
    private readonly remote: RemoteEndpoints = NO_REMOTE_ENDPOINTS,
  ) {
    const forget = () => (this.records = undefined);
    this.unsubscribe = [statuses.onChange(forget), remote.onChange(forget)];
  }

  /**
   * Undefined for what is not a query to answer (garbage, a response): the server drops it.
   * Over UDP the reply fits the query's limit (512 bytes or its EDNS offer), TC set when records
   * were left out; over TCP it carries everything.
   */
  async resolve(message: Buffer, transport: DnsTransport): Promise<DnsReply | undefined> {
    const query = decodeQuery(message);
    if (!query) return undefined;
    const maxSize = transport === 'udp' ? udpLimit(query) : TCP_MAX_SIZE;
    const q = query.questions?.[0];
    if (opcodeOf(query) !== 0) return { reply: encodeResponse(query, 'NOTIMP'), outcome: 'invalid' };
    if (!q) return { reply: encodeResponse(query, 'FORMERR'), outcome: 'invalid' };
    const local = answerLocally(q, this.current(), this.domain, this.shuffle);
    const named = { name: q.name, type: q.type };
    if (local) {
      const reply = encodeResponse(query, local.rcode, local.answers, maxSize);
      return { reply, outcome: local.rcode === 'NXDOMAIN' ? 'nxdomain' : 'answered', ...named };
    }
    const forwarded = await this.forwarder.forward(message);
    if (forwarded) return { reply: fitted(forwarded, maxSize), outcome: 'forwarded', ...named };
    return { reply: encodeResponse(query, 'SERVFAIL'), outcome: 'servfail', ...named };
  }

  /** The current records (for the admin API and tests). */
  current(): DnsRecords {
    this.records ??= DnsRecords.build(this.statuses.list(), this.domain, this.remote.list());
    return this.records;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }
}

// Bits 11-14 of the header flags; 0 is a standard QUERY, the only opcode answered.
function opcodeOf(query: dnsPacket.Packet): number {
  return ((query.flags ?? 0) >> 11) & 0xf;
}

// An upstream reply (byte for byte when it fits) cut down to what the client's transport takes.
function fitted(reply: Buffer, maxSize: number): Buffer {
  if (reply.length <= maxSize) return reply;
  try {
    return encodeFitting(dnsPacket.decode(reply), maxSize);
  } catch {
    // Undecodable and too long: the header alone, truncated, so the client asks again over TCP.
    const header = Buffer.from(reply.subarray(0, 12));
    header.writeUInt16BE(header.readUInt16BE(2) | dnsPacket.TRUNCATED_RESPONSE, 2);
    header.fill(0, 4, 12);
    return header;
  }
}

function decodeQuery(message: Buffer): dnsPacket.Packet | undefined {
  try {
    const packet = dnsPacket.decode(message);
    return packet.type === 'query' ? packet : undefined;
  } catch {
    return undefined;
  }
}
