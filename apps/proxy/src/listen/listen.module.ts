import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { ListenerService } from './listener.service';

@Module({
  imports: [GatewayModule],
  providers: [ListenerService],
  exports: [ListenerService],
})
export class ListenModule {}
