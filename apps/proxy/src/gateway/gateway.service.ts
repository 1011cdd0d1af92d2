import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService, methodLabel, routeClass, statusClass } from '../metrics/metrics.service';
import { replyError } from './docker-error.reply';
import { PassThroughProxy } from './pass-through.proxy';
import { HANDLED_ENDPOINTS, HandledEndpoint, RouteTable } from './route.table';
import { UpgradeRelay } from './upgrade.relay';

/**
 * The Docker API surface: a route table of handled endpoints with a pass-through default. Every
 * request that is not intercepted crosses `handle` untouched, so this is the hot path.
 */
@Injectable()
export class GatewayService implements OnApplicationShutdown {
  readonly proxy: PassThroughProxy;
  private readonly relay: UpgradeRelay;
  private readonly routes: RouteTable;
  private readonly log: Logger;

  constructor(
    docker: DockerClient,
    @Inject(HANDLED_ENDPOINTS) endpoints: HandledEndpoint[],
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly metrics: MetricsService,
  ) {
    const meter = {
      toDocker: (n: number) => metrics.bytes.inc({ direction: 'to_docker' }, n),
      toClient: (n: number) => metrics.bytes.inc({ direction: 'to_client' }, n),
      upstreamError: () => metrics.upstreamErrors.inc(),
    };
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
    const done = this.requestTimer(req, intercepted);
    res.once('close', () => done(res.statusCode));
  }

  /** Starts timing a request; the returned function counts it with the status it was answered. */
  private requestTimer(req: IncomingMessage, intercepted?: string): (status: number) => void {
    const route = routeClass(intercepted, req.method, req.url);
    const end = this.metrics.requestDuration.startTimer({ route });
    return (status) => {
      end();
      this.metrics.requests.inc({ route, method: methodLabel(req.method), status: statusClass(status) });
    };
  }

  /** An upgrade (attach, exec start), counted once dockerd's answer head is in (time to answer). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.relay.handle(req, socket, head, this.requestTimer(req));
  }

  onApplicationShutdown(): void {
    this.relay.endAll();
    this.proxy.close();
  }
}
