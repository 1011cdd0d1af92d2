import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService, methodLabel, routeClass, statusClass } from '../metrics/metrics.service';
import { replyError } from './docker-error.reply';
import { connectToDocker } from './docker.connection';
import { mayHijack } from './hijack.requests';
import { returnToHttpServer } from './hijack.answer';
import { PassThroughProxy } from './pass-through.proxy';
import { HeadInfo } from './raw/llhttp';
import { relayRawFrom } from './raw/raw.entry';
import { RawSession } from './raw/raw.session';
import { RawTimeouts } from './raw/client.timer';
import { HANDLED_ENDPOINTS, HandledEndpoint, RouteTable } from './route.table';
import { RelayMeter } from './relay.meter';
import { UpgradeRelay } from './upgrade.relay';

/** What the listener decides for raw sessions on its connections. */
export interface RawSettings {
  /** Whether a request on a raw connection may stay raw (Docker API, `relaysRaw`, not admin). */
  relaysRaw: (head: HeadInfo) => boolean;
  maxHeadBytes: number;
  timeouts: RawTimeouts;
}

/**
 * The Docker API surface: a route table of handled endpoints with a pass-through default. Every
 * request that is not intercepted is relayed untouched: as
 * bytes on a connection of its own (`relayRawFrom`), or by `handle` when it shares a connection
 * with intercepted ones.
 */
@Injectable()
export class GatewayService implements OnApplicationShutdown {
  readonly proxy: PassThroughProxy;
  private readonly relay: UpgradeRelay;
  private readonly routes: RouteTable;
  private readonly log: Logger;
  private readonly meter: RelayMeter;
  private readonly sessions = new Set<RawSession>();

  private readonly docker: DockerClient;

  constructor(
    docker: DockerClient,
    @Inject(HANDLED_ENDPOINTS) endpoints: HandledEndpoint[],
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly metrics: MetricsService,
  ) {
    const meter = (this.meter = {
      toDocker: (n: number) => metrics.bytes.inc({ direction: 'to_docker' }, n),
      toClient: (n: number) => metrics.bytes.inc({ direction: 'to_client' }, n),
      upstreamError: () => metrics.upstreamErrors.inc(),
    });
    this.docker = docker;
    this.relay = new UpgradeRelay(docker, {
      ...meter,
      opened: () => metrics.hijackedOpen.inc(),
      closed: () => metrics.hijackedOpen.dec(),
    });
    this.proxy = new PassThroughProxy(docker, meter, (req, answer, socket, head) => this.relay.takeOver(req, answer, socket, head));
    this.routes = new RouteTable(endpoints);
    this.log = root.child({ component: 'gateway' });
  }

  get openHijackedStreams(): number {
    return this.relay.openStreams;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const match = this.routes.match(req.method, req.url);
    this.measure(req, res, match?.endpoint.name);
    if (!match) {
      this.proxy.forward(req, res);
      return;
    }
    const log = this.log.child({ method: req.method, url: req.url });
    const ctx = { req, res, params: match.params, query: match.query, proxy: this.proxy, log };
    match.endpoint.handle(ctx).catch((err: unknown) => {
      log.warn({ err }, 'handled request failed');
      replyError(res, err);
    });
  }

  private measure(req: IncomingMessage, res: ServerResponse, intercepted?: string): void {
    const done = this.requestTimer(req.method, req.url, intercepted);
    res.once('close', () => done(res.statusCode));
  }

  /** Starts timing a request; the returned function counts it with the status it was answered. */
  private requestTimer(method: string | undefined, url: string | undefined, intercepted?: string): (status: number) => void {
    const route = routeClass(intercepted, method, url);
    const end = this.metrics.requestDuration.startTimer({ route });
    return (status) => {
      end();
      this.metrics.requests.inc({ route, method: methodLabel(method), status: statusClass(status) });
    };
  }

  /**
   * Whether a Docker API request may be relayed as bytes (`RawSession`): it is not one of the
   * handled endpoints, and not an exec start or attach (those go through `UpgradeRelay`).
   */
  relaysRaw(method: string | undefined, url: string | undefined): boolean {
    return !mayHijack(method, url) && this.routes.match(method, url) === undefined;
  }

  /** An upgrade (attach, exec start), counted once dockerd's answer head is in (time to answer). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.relay.handle(req, socket, head, this.requestTimer(req.method, req.url));
  }

  /**
   * Relays the connection of a request Node's HTTP server handed over (`relaysRaw` said yes) as
   * bytes from now on, until a request the HTTP server must see (`RawSession`).
   */
  relayRawFrom(req: IncomingMessage, client: Duplex, rest: Buffer, settings: RawSettings): void {
    const session = relayRawFrom(req, client, rest, {
      connect: (onread) => connectToDocker(this.docker, onread),
      relaysRaw: settings.relaysRaw,
      toHttpServer: returnToHttpServer,
      requestStarted: (method, url) => this.requestTimer(method, url),
      meter: this.meter,
      daemonUrl: this.docker.endpoint.url,
      maxHeadBytes: settings.maxHeadBytes,
      timeouts: settings.timeouts,
      ended: (s) => this.sessions.delete(s),
    });
    if (!session.ended) this.sessions.add(session);
  }

  /**
   * Shutdown of the listeners: idle raw connections close at once, requests in flight may finish
   * within `graceMs`, then every stream still open (events, logs -f, hijacked) is cut.
   */
  closeStreams(graceMs: number): void {
    for (const s of this.sessions) s.shutdown();
    setTimeout(() => this.onApplicationShutdown(), graceMs).unref();
  }

  onApplicationShutdown(): void {
    for (const s of this.sessions) s.close();
    this.relay.endAll();
    this.proxy.close();
  }
}
