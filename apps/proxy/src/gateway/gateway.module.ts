import { Module } from '@nestjs/common';
import { GatewayService } from './gateway.service';
import { INTERCEPTORS } from './route.table';

@Module({
  providers: [GatewayService, { provide: INTERCEPTORS, useValue: [] }],
  exports: [GatewayService],
})
export class GatewayModule {}
