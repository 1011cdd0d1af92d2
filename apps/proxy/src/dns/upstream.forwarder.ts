import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { DnsEndpoint, parseDnsEndpoint } from './dns.address';
import { UpstreamFailedError } from './dns.errors';
import { askOverTcp } from './upstream.tcp';

export const UPSTREAM_TIMEOUT_MS = 2_000;
/**
 * Forwarded queries in flight at once, over all clients. Each holds one socket (a fresh random
 * source port per query, RFC 5452 §9.2), so this bounds the file descriptors forwarding takes.
 */
export const MAX_IN_FLIGHT = 128;
// Header flags bit 9 (RFC 1035 §4.1.1): the reply did not fit the transport.
const TC_BIT = 0x0200;

/** The `nameserver` lines of a resolv.conf, in order (comments and other options ignored). */
export function resolvConfServers(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && isIP(m[1].replace(/%.*$/, ''))) servers.push(m[1].replace(/%.*$/, ''));
  }
  return servers;
}

/**
 * The upstreams to forward to: `--dns-upstream` (parsed by the config loader) when given, else
 * the host's resolv.conf servers. Our own address is never one of them (a loop), whatever the source.
 */
export function chooseUpstreams(
  flags: readonly DnsEndpoint[] | undefined,
  resolvConf: string,
  self: DnsEndpoint,
): DnsEndpoint[] {
  const candidates =
    flags && flags.length > 0 ? flags : resolvConfServers(resolvConf).map((text) => parseDnsEndpoint(text));
  return candidates.filter((u) => !(u.host === self.host && u.port === self.port));
}

/**
 * Forwards a query, byte for byte, to each upstream in turn over UDP, each with a short timeout,
 * and answers the first reply (with the query's id) byte for byte. A reply with TC set is asked
 * again of the same upstream over TCP (the truncated one is answered if that fails). Answers
 * undefined when every upstream failed, or at once when `maxInFlight` queries are already being
 * forwarded; the caller then answers SERVFAIL.
 */
export class UpstreamForwarder {
  private inFlight = 0;

  constructor(
    readonly upstreams: readonly DnsEndpoint[],
    private readonly timeoutMs = UPSTREAM_TIMEOUT_MS,
    private readonly maxInFlight = MAX_IN_FLIGHT,
  ) {}

  /** Queries being forwarded now (at most `maxInFlight`). */
  get pending(): number {
    return this.inFlight;
  }

  async forward(query: Buffer): Promise<Buffer | undefined> {
    if (this.inFlight >= this.maxInFlight) return undefined;
    this.inFlight++;
    try {
      return await this.firstAnswer(query);
    } finally {
      this.inFlight--;
    }
  }

  private async firstAnswer(query: Buffer): Promise<Buffer | undefined> {
    for (const upstream of this.upstreams) {
      try {
        const reply = await this.ask(upstream, query);
        if (!isTruncated(reply)) return reply;
        return await askOverTcp(upstream, query, this.timeoutMs).catch(() => reply);
      } catch {
        // Next upstream; the caller counts the SERVFAIL if none answers.
      }
    }
    return undefined;
  }

  private ask(upstream: DnsEndpoint, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      // One socket per query: a fresh random source port, and no reply can reach the wrong query.
      const socket = dgram.createSocket(isIP(upstream.host) === 6 ? 'udp6' : 'udp4');
      let finished = false;
      const done = (err: Error | undefined, reply?: Buffer) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(reply as Buffer);
      };
      const timeout = () => done(new UpstreamFailedError(`no answer within ${this.timeoutMs} ms`));
      const timer = setTimeout(timeout, this.timeoutMs);
      socket.on('error', (err) => done(err));
      socket.on('message', (reply, from) => {
        if (isReplyTo(query, upstream, reply, from)) done(undefined, reply);
      });
      socket.send(query, upstream.port, upstream.host);
    });
  }
}

// Anything else reaching our port (a late reply to another id, a stray sender) is ignored.
function isReplyTo(query: Buffer, upstream: DnsEndpoint, reply: Buffer, from: dgram.RemoteInfo): boolean {
  const sameSender = from.address === upstream.host && from.port === upstream.port;
  return sameSender && reply.length >= 2 && query.length >= 2 && reply.readUInt16BE(0) === query.readUInt16BE(0);
}

function isTruncated(reply: Buffer): boolean {
  return reply.length >= 4 && (reply.readUInt16BE(2) & TC_BIT) !== 0;
}
