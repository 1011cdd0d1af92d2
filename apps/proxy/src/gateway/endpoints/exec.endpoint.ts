import { Inject, Injectable } from '@nestjs/common';
import { isDomainError } from '@app/common';
import { DockerClient } from '@app/docker';
import { isOursAtRuntime, WEAVE_OPTIONS, WeaveOptions } from '@app/weave';
import { readBody } from '../body.reader';
import { replyDockerError } from '../docker-error.reply';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { CONTAINER_ATTACHER, ContainerAttacher } from '../../controller/container.attacher';

/**
 * `POST /containers/{id}/exec`: an exec into one of our running containers waits (here, not in
 * the container) until the container is attached, then goes to dockerd unchanged, so every exec
 * failure (not found 126, permission denied) is dockerd's own, exit code and text.
 */
@Injectable()
export class ContainerExecEndpoint implements HandledEndpoint {
  readonly name = 'exec';
  readonly method = 'POST';
  readonly path = /^\/containers\/([^/]+)\/exec$/;

  constructor(
    private readonly docker: DockerClient,
    @Inject(WEAVE_OPTIONS) private readonly weave: WeaveOptions,
    @Inject(CONTAINER_ATTACHER) private readonly attacher: ContainerAttacher,
  ) {}

  async handle(ctx: EndpointContext): Promise<void> {
    const raw = await readBody(ctx.req);
    const container = await this.docker.inspectContainer(ctx.params[0]).catch(() => undefined);
    const ours = container?.State.Running && isOursAtRuntime(container, this.weave.withIpam, this.weave.weavewaitDir).ours;
    if (ours) {
      try {
        await this.attacher.attached(container.Id);
      } catch (err) {
        ctx.log.warn({ err, container: container.Id }, 'exec: the container is not attached');
        const reason = isDomainError(err) ? err.message : 'weave proxy: attaching the container failed (see the proxy log)';
        return replyDockerError(ctx.res, 500, reason.replace(/\s*\n\s*/g, ' '));
      }
    }
    // Unknown and stopped containers included: dockerd gives its own answer.
    ctx.proxy.forward(ctx.req, ctx.res, { body: raw });
  }
}
