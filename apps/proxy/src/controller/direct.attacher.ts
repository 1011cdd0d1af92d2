import { Injectable } from '@nestjs/common';
import { AttachService } from '@app/weave';
import { ContainerAttacher } from '../gateway/interceptors/container.attacher';

/** Attaches in the caller's request: the start path's one call into the weave lib. */
@Injectable()
export class DirectAttacher implements ContainerAttacher {
  constructor(private readonly attach: AttachService) {}

  async attached(containerId: string): Promise<void> {
    await this.attach.attach(containerId);
  }
}
