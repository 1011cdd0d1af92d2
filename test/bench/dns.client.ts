import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { msSince } from './stats';

export interface QueryLoopOptions {
  port: number;
  name: string;
  queries: number;
  concurrency: number;
  /** A query without an answer in this long counts as lost. */
  timeoutMs: number;
  /** No new query is sent after this long. */
  budgetMs: number;
}

export interface QueryLoopResult {
  qps: number;
  answered: number;
  lost: number;
  /** Answers that were not NOERROR with an A record. */
  bad: number;
}

/** Sends up to `queries` A queries for `name` to 127.0.0.1:`port`, `concurrency` in flight. */
export async function queryLoop(opts: QueryLoopOptions): Promise<QueryLoopResult> {
  const socket = dgram.createSocket('udp4');
  const waiting = new Map<number, (ok: boolean | undefined) => void>();
  socket.on('message', (msg) => {
    let decoded: dnsPacket.DecodedPacket & { rcode?: string };
    try {
      decoded = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const done = waiting.get(decoded.id ?? -1);
    if (!done) return;
    waiting.delete(decoded.id!);
    done(decoded.rcode === 'NOERROR' && (decoded.answers ?? []).some((a) => a.type === 'A'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const result = { answered: 0, lost: 0, bad: 0 };
  let sent = 0;
  let nextId = 1;
  const deadline = Date.now() + opts.budgetMs;
  const ask = (): Promise<boolean | undefined> =>
    new Promise((resolve) => {
      const id = nextId;
      nextId = (nextId % 65535) + 1;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, opts.timeoutMs);
      waiting.set(id, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: opts.name }] });
      socket.send(query, opts.port, '127.0.0.1');
    });
  const worker = async (): Promise<void> => {
    while (sent < opts.queries && Date.now() < deadline) {
      sent += 1;
      const ok = await ask();
      if (ok === undefined) result.lost += 1;
      else if (ok) result.answered += 1;
      else result.bad += 1;
    }
  };
  const start = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    socket.close();
  }
  return { ...result, qps: (result.answered * 1000) / msSince(start) };
}
