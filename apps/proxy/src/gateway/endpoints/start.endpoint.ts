import { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { relayHead, relayResponse } from '../pass-through.proxy';
import { replyDockerError } from '../docker-error.reply';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { CONTAINER_ATTACHER, ContainerAttacher } from '../../controller/container.attacher';
import { startFailure } from './start.policy';

/**
 * `POST /containers/{id}/start` and `/restart`: forwarded as they are; a 2xx answer is held until
 * the container is on the weave network, retries included, up to `--attach-timeout`. If that
 * fails terminally or the deadline passes, the container is killed (its process is still waiting
 * in /w/w and never ran) and the client gets a 500 naming the cause (see `startFailure`).
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
          const failure = startFailure(err);
          ctx.log.warn({ err, container: id, kill: failure.kill }, 'attach did not succeed');
          if (failure.kill) await this.docker.kill(id).catch(() => undefined);
          return replyDockerError(res, failure.status, failure.message);
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

export type { ServerResponse };
