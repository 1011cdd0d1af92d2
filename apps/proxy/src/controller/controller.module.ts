import { Module } from '@nestjs/common';
import { DockerClientModule } from '../docker/docker-client.module';
import { MetricsModule } from '../metrics/metrics.module';
import { WeaveAttachModule } from '../weave/weave-attach.module';
import { CONTAINER_ATTACHER } from './container.attacher';
import { ContainerController } from './container.controller';
import { CLOCK, ContainerReconciler } from './container.reconciler';
import { ContainerStatusStore } from './container.status';
import { EventWatcher } from './event.watcher';
import { DEFAULT_WORK_QUEUE_OPTIONS, WORK_QUEUE_OPTIONS } from './work.queue';

/**
 * The reconcile loop over Docker's state. Exports the CONTAINER_ATTACHER port the gateway's start
 * endpoint waits on, the controller (stats, resync) and the container statuses (DNS, admin).
 */
@Module({
  imports: [DockerClientModule, WeaveAttachModule, MetricsModule],
  providers: [
    ContainerStatusStore,
    ContainerReconciler,
    EventWatcher,
    ContainerController,
    { provide: CLOCK, useValue: () => Date.now() },
    { provide: WORK_QUEUE_OPTIONS, useValue: DEFAULT_WORK_QUEUE_OPTIONS },
    { provide: CONTAINER_ATTACHER, useExisting: ContainerController },
  ],
  exports: [CONTAINER_ATTACHER, ContainerController, ContainerStatusStore],
})
export class ControllerModule {}
