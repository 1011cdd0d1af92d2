import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ContainerStatus } from '../controller/container.status';
import { ExposeService } from '../expose/expose.service';
import { MetricsService } from '../metrics/metrics.service';
import { PeersReport, PeersService } from '../peers/peers.service';
import { ContainersQuery } from './containers.query';
import { ExposeRequest } from './expose.request';
import { AllocationView, StatusService } from './status.service';

/** The operator's API beside the proxied Docker API, under `/_weave/` (never forwarded). */
@Controller('_weave')
export class AdminController {
  constructor(
    private readonly statusService: StatusService,
    private readonly metrics: MetricsService,
    private readonly peersService: PeersService,
    private readonly exposeService: ExposeService,
  ) {}

  @Get('status')
  status(): Promise<Record<string, unknown>> {
    return this.statusService.status();
  }

  @Get('allocations')
  allocations(): Promise<AllocationView[]> {
    return this.statusService.allocations();
  }

  @Get('containers')
  containers(@Query() query: ContainersQuery): ContainerStatus[] {
    return this.statusService.containers(query);
  }

  /** This host's peer record and the live and gone peers; `{enabled: false}` without `--store etcd://`. */
  @Get('peers')
  peers(): PeersReport {
    return this.peersService.report();
  }

  /**
   * `weave rmpeer ID`: reclaims at once the addresses of a peer that is not live; answers
   * `{id, addresses}` (dotted quads released; none for an unknown peer). 409 `WPX_PEER_LIVE` for a
   * live peer, 400 `WPX_PEERS_DISABLED` without etcd, 503 when the peer list cannot be read.
   */
  @Delete('peers/:id')
  async removePeer(@Param('id') id: string): Promise<{ id: string; addresses: string[] }> {
    const released = await this.peersService.removePeer(id);
    return { id, addresses: released.map((l) => l.address) };
  }

  /** This host's addresses on the weave bridge (`weave expose`): `{addresses: ['10.2.1.3/24']}`. */
  @Get('expose')
  async exposed(): Promise<{ addresses: string[] }> {
    return { addresses: (await this.exposeService.exposed()).map((l) => `${l.address}/${l.prefixLength}`) };
  }

  /** `weave expose [CIDR]`: answers every CIDR the host now has on the bridge; IPAM's errors otherwise. */
  @Post('expose')
  @HttpCode(200)
  async expose(@Body() body: ExposeRequest): Promise<{ addresses: string[] }> {
    return { addresses: await this.exposeService.expose(body.cidr) };
  }

  /** `weave hide`: removes the host's addresses from the bridge and releases them; answers them. */
  @Delete('expose')
  async hide(): Promise<{ addresses: string[] }> {
    return { addresses: await this.exposeService.hide() };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** 200 once dockerd answers and the first resync is done; 503 otherwise. */
  @Get('readyz')
  @HttpCode(200)
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const ready = await this.statusService.readiness();
    if (!ready.ready) void reply.status(503);
    return ready;
  }
}
