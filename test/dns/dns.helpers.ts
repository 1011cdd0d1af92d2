import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';

export interface DnsAnswer {
  rcode: string;
  /** A/PTR data of the answers, in order. */
  data: string[];
}

/** One UDP query to `host:port`; rejects after `timeoutMs` without an answer. */
export function queryDns(
  host: string,
  port: number,
  name: string,
  type: dnsPacket.RecordType = 'A',
  timeoutMs = 1_000,
): Promise<DnsAnswer> {
  const socket = dgram.createSocket('udp4');
  const id = Math.floor(Math.random() * 65536);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer from ${host}:${port} for ${type} ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('message', (msg) => {
      const reply = dnsPacket.decode(msg);
      if (reply.id !== id) return;
      clearTimeout(timer);
      socket.close();
      const data = (reply.answers ?? []).map((a) => String((a as dnsPacket.StringAnswer).data));
      resolve({ rcode: (reply as { rcode?: string }).rcode ?? '?', data });
    });
    socket.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] }), port, host);
  });
}

export interface LoopbackUpstream {
  port: number;
  /** Names it was asked, in order. */
  asked: string[];
  close(): Promise<void>;
}

/**
 * A tiny DNS server on 127.0.0.1 answering A queries for `names` (NXDOMAIN for the rest): the only
 * upstream the proxy under test may forward to.
 */
export async function startLoopbackUpstream(names: Record<string, string>): Promise<LoopbackUpstream> {
  const socket = dgram.createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (msg, from) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    asked.push(question.name);
    const address = question.type === 'A' ? names[question.name.toLowerCase()] : undefined;
    const known = question.name.toLowerCase() in names;
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: (known ? 0 : 3) | dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions,
      answers: address ? [{ type: 'A', name: question.name, ttl: 60, data: address }] : [],
    });
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
