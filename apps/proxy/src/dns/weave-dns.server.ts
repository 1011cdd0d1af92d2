import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { UDP_MAX_SIZE } from './dns.answer';
import { DnsEndpoint, formatDnsEndpoint } from './dns.address';
import { DnsListenError } from './dns.errors';
import { DnsOutcome, DnsResolver } from './dns.resolver';
import { WEAVE_DNS_ENDPOINT } from './dns.tokens';

// A TCP client that sends nothing for this long is dropped (RFC 7766 suggests seconds).
const TCP_IDLE_MS = 10_000;
const TCP_MAX_MESSAGE = 65_535;

/**
 * weaveDNS on UDP and TCP (2-byte length framing) at one address. Starts listening once the app
 * has booted (a bind failure stops the proxy: `--with-dns` was asked for) and closes at shutdown.
 * `queries` counts what was answered, by outcome.
 */
@Injectable()
export class WeaveDnsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly queries: Record<DnsOutcome, number> = { answered: 0, nxdomain: 0, forwarded: 0, servfail: 0, invalid: 0 };
  private readonly log: Logger;
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly connections = new Set<net.Socket>();
  private closing = false;

  constructor(
    @Inject(WEAVE_DNS_ENDPOINT) readonly endpoint: DnsEndpoint,
    private readonly resolver: DnsResolver,
    @Inject(ROOT_LOGGER) root: Logger,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.log = root.child({ component: 'dns' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.udp = await this.listenUdp();
    this.tcp = await this.listenTcp();
    this.log.info({ listen: formatDnsEndpoint(this.endpoint) }, 'dns server listening');
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const c of this.connections) c.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
    this.resolver.close();
  }

  private listenUdp(): Promise<dgram.Socket> {
    const socket = dgram.createSocket({ type: net.isIP(this.endpoint.host) === 6 ? 'udp6' : 'udp4' });
    socket.on('message', (msg, from) => {
      void this.answer(msg, UDP_MAX_SIZE).then((reply) => {
        // A forward still in flight at shutdown finds the socket closed.
        if (reply && !this.closing) socket.send(reply, from.port, from.address);
      });
    });
    return new Promise((resolve, reject) => {
      socket.once('error', (err) => reject(this.listenError('udp', err)));
      socket.bind(this.endpoint.port, this.endpoint.host, () => {
        socket.removeAllListeners('error');
        socket.on('error', (err) => this.log.warn({ err: err.message }, 'dns udp socket error'));
        resolve(socket);
      });
    });
  }

  private listenTcp(): Promise<net.Server> {
    const server = net.createServer((conn) => this.serveTcp(conn));
    return new Promise((resolve, reject) => {
      server.once('error', (err) => reject(this.listenError('tcp', err)));
      server.listen(this.endpoint.port, this.endpoint.host, () => resolve(server));
    });
  }

  private serveTcp(conn: net.Socket): void {
    this.connections.add(conn);
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    conn.on('close', () => this.connections.delete(conn));
    conn.on('error', () => conn.destroy());
    let pending = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + message.length);
        void this.answer(Buffer.from(message), TCP_MAX_MESSAGE).then((reply) => reply && writeFramed(conn, reply));
      }
    });
  }

  /** Never rejects: a query that cannot be answered is dropped and logged. */
  private async answer(message: Buffer, maxSize: number): Promise<Buffer | undefined> {
    try {
      const result = await this.resolver.resolve(message, maxSize);
      if (!result) return undefined;
      this.queries[result.outcome]++;
      this.metrics?.dnsQueries.inc({ result: result.outcome });
      this.log.debug({ name: result.name, type: result.type, outcome: result.outcome }, 'dns query');
      return result.reply;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dns query failed');
      return undefined;
    }
  }

  private listenError(transport: string, err: Error): DnsListenError {
    const at = formatDnsEndpoint(this.endpoint);
    return new DnsListenError(`cannot listen for DNS on ${transport} ${at}: ${err.message} (see --dns-listen)`);
  }
}

function writeFramed(conn: net.Socket, reply: Buffer): void {
  if (conn.destroyed) return;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(reply.length);
  conn.write(Buffer.concat([length, reply]));
}
