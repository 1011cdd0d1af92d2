import { Controller, Get, Header, HttpCode, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ContainerStatus } from '../controller/container.status';
import { MetricsService } from '../metrics/metrics.service';
import { PeersReport, PeersService } from '../peers/peers.service';
import { ContainersQuery } from './containers.query';
import { AllocationView, StatusService } from './status.service';

/** The operator's API beside the proxied Docker API, under `/_weave/` (never forwarded). */
@Controller('_weave')
export class AdminController {
  constructor(
    private readonly statusService: StatusService,
    private readonly metrics: MetricsService,
    private readonly peersService: PeersService,
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
