import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { ClientRateLimiter } from './client.rate-limiter';
import { DnsEndpoint, formatDnsEndpoint } from './dns.address';
import { DnsListenError } from './dns.errors';
import { DEFAULT_DNS_LIMITS, DNS_LIMITS, DnsLimits } from './dns.limits';
import { DnsOutcome, DnsResolver, DnsTransport } from './dns.resolver';
import { DnsTcpConnection } from './dns.tcp-connection';
import { WEAVE_DNS_ENDPOINT } from './dns.tokens';

// A TCP client that sends nothing for this long is dropped (RFC 7766 suggests seconds).
const TCP_IDLE_MS = 10_000;

/**
 * weaveDNS on UDP and TCP (2-byte length framing) at one address. Starts listening once the app
 * has booted (a bind failure stops the proxy: `--with-dns` was asked for) and closes at shutdown.
 * `queries` counts what was answered, by outcome; `dropped` what was not, by reason.
 *
 * Bounded whatever clients send (`DnsLimits`): a client address over its rate, or with too many
 * UDP queries pending, has its queries dropped (a TCP connection is closed); TCP connections and
 * the queries each one has pending are capped. The forwarder caps upstream queries in flight.
 */
@Injectable()
export class WeaveDnsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly queries: Record<DnsOutcome, number> = { answered: 0, nxdomain: 0, forwarded: 0, servfail: 0, invalid: 0 };
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  readonly dropped = { rateLimited: 0, tooManyPending: 0 };
  private readonly log: Logger;
  private readonly connections = new Set<net.Socket>();
  private readonly pendingByClient = new Map<string, number>();
  private readonly rate: ClientRateLimiter;
  private readonly limits: DnsLimits;
  private closing = false;

  constructor(
    @Inject(WEAVE_DNS_ENDPOINT) readonly endpoint: DnsEndpoint,
    private readonly resolver: DnsResolver,
    @Inject(ROOT_LOGGER) root: Logger,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() @Inject(DNS_LIMITS) limits?: Partial<DnsLimits>,
  ) {
    this.log = root.child({ component: 'dns' });
    this.limits = { ...DEFAULT_DNS_LIMITS, ...limits };
    const { clientRatePerSecond, clientBurst, trackedClients } = this.limits;
    this.rate = new ClientRateLimiter(clientRatePerSecond, clientBurst, trackedClients);
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
    socket.on('message', (msg, from) => this.serveUdp(socket, msg, from));
    return new Promise((resolve, reject) => {
      socket.once('error', (err) => reject(this.listenError('udp', err)));
      socket.bind(this.endpoint.port, this.endpoint.host, () => {
        socket.removeAllListeners('error');
        socket.on('error', (err) => this.log.warn({ err: err.message }, 'dns udp socket error'));
        resolve(socket);
      });
    });
  }

  private serveUdp(socket: dgram.Socket, msg: Buffer, from: dgram.RemoteInfo): void {
    if (!this.admit(from.address)) return;
    const pending = this.pendingByClient.get(from.address) ?? 0;
    if (pending >= this.limits.clientPending) {
      this.dropped.tooManyPending++;
      return;
    }
    this.pendingByClient.set(from.address, pending + 1);
    void this.answer(msg, 'udp').then((reply) => {
      const left = (this.pendingByClient.get(from.address) ?? 1) - 1;
      if (left > 0) this.pendingByClient.set(from.address, left);
      else this.pendingByClient.delete(from.address);
      // A forward still in flight at shutdown finds the socket closed.
      if (reply && !this.closing) socket.send(reply, from.port, from.address);
    });
  }

  private admit(client: string): boolean {
    if (this.rate.allow(client)) return true;
    this.dropped.rateLimited++;
    return false;
  }

  private listenTcp(): Promise<net.Server> {
    const server = net.createServer((conn) => this.serveTcp(conn));
    server.maxConnections = this.limits.tcpConnections;
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
    const client = conn.remoteAddress ?? '';
    const answer = (message: Buffer) => {
      if (this.admit(client)) return this.answer(message, 'tcp');
      conn.destroy();
      return Promise.resolve(undefined);
    };
    new DnsTcpConnection(conn, answer, this.limits.tcpPipeline);
  }

  /** Never rejects: a query that cannot be answered is dropped and logged. */
  private async answer(message: Buffer, transport: DnsTransport): Promise<Buffer | undefined> {
    try {
      const result = await this.resolver.resolve(message, transport);
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
