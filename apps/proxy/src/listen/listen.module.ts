import { Module } from '@nestjs/common';
import { DockerClientModule } from '../docker/docker-client.module';
import { GatewayModule } from '../gateway/gateway.module';
import { ListenerService } from './listener.service';

/** The proxy's listeners (`-L`): Docker API traffic to the gateway, `/_weave/` to the admin API. */
@Module({
  imports: [GatewayModule, DockerClientModule],
  providers: [ListenerService],
  exports: [ListenerService],
})
export class ListenModule {}
