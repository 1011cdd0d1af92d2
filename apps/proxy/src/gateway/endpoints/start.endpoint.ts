import { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { isDomainError } from '@app/common';
import { relayHead, relayResponse } from '../pass-through.proxy';
import { replyDockerError } from '../docker-error.reply';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { CONTAINER_ATTACHER, ContainerAttacher } from '../../controller/container.attacher';

/**
 * `POST /containers/{id}/start` and `/restart`: forwarded as they are; a 2xx answer is held until
 * the container is on the weave network. If that fails the container is killed (its process is
 * still waiting in /w/w and never ran) and the client gets a 500 naming the cause.
 */
@Injectable()
export class ContainerStartEndpoint implements HandledEndpoint {
  readonly name = 'start';
  readonly method = 'POST';
  readonly path = /^\/containers\/([^/]+)\/(?:start|restart)$/;

  constructor(
    private readonly docker: DockerClient,
    @Inject(CONTAINER_ATTACHER) private readonly attacher: ContainerAttacher,
  ) {}

  async handle(ctx: EndpointContext): Promise<void> {
    const id = ctx.params[0];
    ctx.proxy.forward(ctx.req, ctx.res, {
      onResponse: async (upstream, res) => {
        const status = upstream.statusCode ?? 500;
        if (status < 200 || status >= 300) return relayResponse(upstream, res);
        await drain(upstream);
        try {
          await this.attacher.attached(id);
        } catch (err) {
          ctx.log.warn({ err, container: id }, 'attach failed; killing the container');
          await this.docker.kill(id).catch(() => undefined);
          return replyDockerError(res, 500, oneLine(err));
        }
        relayHead(upstream, res);
        res.end();
      },
    });
  }
}

function drain(upstream: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    upstream.on('end', resolve).on('error', resolve).resume();
  });
}

function oneLine(err: unknown): string {
  const text = isDomainError(err) ? err.message : 'weave proxy: attaching the container failed (see the proxy log)';
  return text.replace(/\s*\n\s*/g, ' ');
}

export type { ServerResponse };
