import { Injectable } from '@nestjs/common';
import { parse, stringify } from 'lossless-json';
import { ContainerInspect } from '@app/docker';
import { AttachService } from '@app/weave';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { rewriteAnswer } from './answer.rewrite';

/**
 * `GET /containers/{id}/json` with `--rewrite-inspect`: our containers show their weave address
 * and MAC in NetworkSettings, where compose and orchestrators look for a container's IP.
 */
@Injectable()
export class ContainerInspectEndpoint implements HandledEndpoint {
  readonly name = 'inspect';
  readonly method = 'GET';
  readonly path = /^\/containers\/([^/]+)\/json$/;

  constructor(private readonly attach: AttachService) {}

  async handle(ctx: EndpointContext): Promise<void> {
    ctx.proxy.forward(ctx.req, ctx.res, { onResponse: rewriteAnswer(200, (raw) => this.rewrite(raw)) });
  }

  private async rewrite(raw: Buffer): Promise<Buffer> {
    const inspect = parse(raw.toString('utf8')) as ContainerInspect & { NetworkSettings: Record<string, unknown> };
    if (!this.attach.isOurs(inspect)) return raw;
    const ethwe = await this.attach.weaveInterface(inspect);
    const first = ethwe?.addresses[0];
    if (!ethwe || !first) return raw;
    inspect.NetworkSettings = {
      ...inspect.NetworkSettings,
      IPAddress: first.address,
      IPPrefixLen: first.prefixLength,
      MacAddress: ethwe.mac,
    };
    return Buffer.from(stringify(inspect) ?? '');
  }
}
