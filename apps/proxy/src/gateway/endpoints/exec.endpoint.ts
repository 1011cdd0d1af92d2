import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'lossless-json';
import { DockerClient } from '@app/docker';
import { isOursAtRuntime, WEAVE_OPTIONS, WeaveOptions } from '@app/weave';
import { parseJsonObject, readBody } from '../body.reader';
import { rewriteExecBody } from '../create/create-body.rewriter';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { waitArgs } from './wait-args';

/** `POST /containers/{id}/exec`: an exec into one of our containers waits for the network too. */
@Injectable()
export class ContainerExecEndpoint implements HandledEndpoint {
  readonly name = 'exec';
  readonly method = 'POST';
  readonly path = /^\/containers\/([^/]+)\/exec$/;

  constructor(
    private readonly docker: DockerClient,
    @Inject(WEAVE_OPTIONS) private readonly weave: WeaveOptions,
  ) {}

  async handle(ctx: EndpointContext): Promise<void> {
    const raw = await readBody(ctx.req);
    const container = await this.docker.inspectContainer(ctx.params[0]).catch(() => undefined);
    const ours = container && isOursAtRuntime(container, this.weave.withIpam, this.weave.weavewaitDir).ours;
    if (!ours) {
      // Unknown containers included: dockerd gives its own answer.
      ctx.proxy.forward(ctx.req, ctx.res, { body: raw });
      return;
    }
    const body = rewriteExecBody(parseJsonObject(raw), waitArgs(this.weave));
    ctx.proxy.forward(ctx.req, ctx.res, { body: Buffer.from(stringify(body) ?? '{}') });
  }
}
