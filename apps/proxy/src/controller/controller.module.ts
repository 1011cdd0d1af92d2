import { Module } from '@nestjs/common';
import { CONTAINER_ATTACHER } from '../gateway/interceptors/container.attacher';
import { DirectAttacher } from './direct.attacher';

@Module({
  providers: [{ provide: CONTAINER_ATTACHER, useClass: DirectAttacher }],
  exports: [CONTAINER_ATTACHER],
})
export class ControllerModule {}
