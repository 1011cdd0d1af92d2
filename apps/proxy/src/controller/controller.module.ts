import { Module } from '@nestjs/common';
import { CONTAINER_ATTACHER } from '../gateway/interceptors/container.attacher';
import { ContainerController } from './container.controller';
import { CLOCK, ContainerReconciler } from './container.reconciler';
import { ContainerStatusStore } from './container.status';

@Module({
  providers: [
    ContainerStatusStore,
    ContainerReconciler,
    ContainerController,
    { provide: CLOCK, useValue: () => Date.now() },
    { provide: CONTAINER_ATTACHER, useExisting: ContainerController },
  ],
  exports: [CONTAINER_ATTACHER, ContainerController, ContainerStatusStore],
})
export class ControllerModule {}
