import * as dnsPacket from 'dns-packet';
import { ContainerStatusStore } from '../controller/container.status';
import { answerLocally, encodeResponse, Shuffle, shuffled } from './dns.answer';
import { DnsRecords } from './dns.records';
import { UpstreamForwarder } from './upstream.forwarder';

export type DnsOutcome = 'answered' | 'nxdomain' | 'forwarded' | 'servfail' | 'invalid';

export interface DnsReply {
  reply: Buffer;
  outcome: DnsOutcome;
  /** The first question, for logs. */
  name?: string;
  type?: string;
}

/**
 * Answers one DNS message: from the records the controller's state yields, or through the
 * upstreams. The records are rebuilt on the first query after any container status changed, so a
 * stopped container's name is gone as soon as its reconcile has run.
 */
export class DnsResolver {
  private records?: DnsRecords;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly statuses: ContainerStatusStore,
    private readonly domain: string,
    private readonly forwarder: UpstreamForwarder,
    private readonly shuffle: Shuffle = shuffled,
  ) {
    this.unsubscribe = statuses.onChange(() => (this.records = undefined));
  }

  /** Undefined for what is not a query to answer (garbage, a response): the server drops it. */
  async resolve(message: Buffer, maxSize: number): Promise<DnsReply | undefined> {
    const query = decodeQuery(message);
    if (!query) return undefined;
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
    if (forwarded) return { reply: forwarded, outcome: 'forwarded', ...named };
    return { reply: encodeResponse(query, 'SERVFAIL'), outcome: 'servfail', ...named };
  }

  /** The current records (for the admin API and tests). */
  current(): DnsRecords {
    this.records ??= DnsRecords.build(this.statuses.list(), this.domain);
    return this.records;
  }

  close(): void {
    this.unsubscribe();
  }
}

// Bits 11-14 of the header flags; 0 is a standard QUERY, the only opcode answered.
function opcodeOf(query: dnsPacket.Packet): number {
  return ((query.flags ?? 0) >> 11) & 0xf;
}

function decodeQuery(message: Buffer): dnsPacket.Packet | undefined {
  try {
    const packet = dnsPacket.decode(message);
    return packet.type === 'query' ? packet : undefined;
  } catch {
    return undefined;
  }
}
