import { Controller, Get } from '@nestjs/common';
import { StatusService } from './status.service';

/** The operator's API beside the proxied Docker API, under `/_weave/` (never forwarded). */
@Controller('_weave')
export class AdminController {
  constructor(private readonly statusService: StatusService) {}

  @Get('status')
  status(): Promise<Record<string, unknown>> {
    return this.statusService.status();
  }

  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }
}
