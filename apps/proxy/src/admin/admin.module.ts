import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ControllerModule } from '../controller/controller.module';
import { DockerClientModule } from '../docker/docker-client.module';
import { ExposeModule } from '../expose/expose.module';
import { IpamAdapterModule } from '../ipam/ipam-adapter.module';
import { ListenModule } from '../listen/listen.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PeersModule } from '../peers/peers.module';
import { VALIDATOR_PACKAGE } from '../validation/class-validator';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminController } from './admin.controller';
import { AdminListenerService } from './admin.listener';
import { StatusService } from './status.service';

/**
 * `/_weave/...`: status, allocations, containers, peers, metrics, health; `weave expose`/`hide`/`rmpeer`. It depends on every
 * part it reports on (listeners, controller, IPAM, dockerd, metrics) and nothing depends on it.
 * Served on the Docker API listeners (`-L`, through listen) and on its own `--admin-listen`
 * listeners (AdminListenerService), which serve nothing else.
 */
@Module({
  imports: [ListenModule, ControllerModule, IpamAdapterModule, DockerClientModule, MetricsModule, PeersModule, ExposeModule],
  controllers: [AdminController],
  exports: [AdminListenerService],
  providers: [
    StatusService,
    AdminListenerService,
    { provide: APP_FILTER, useClass: AdminErrorFilter },
    {
      provide: APP_PIPE,
      // validatorPackage: our subset of class-validator, not its index (see validation/class-validator.ts).
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, validatorPackage: VALIDATOR_PACKAGE }),
    },
  ],
})
export class AdminModule {}
