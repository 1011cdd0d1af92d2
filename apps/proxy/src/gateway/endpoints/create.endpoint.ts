import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'lossless-json';
import { DockerClient, ImageInspect } from '@app/docker';
import { isOursAtCreate, mergeEnv, notAttachedWarning, WEAVE_OPTIONS, WeaveOptions } from '@app/weave';
import { parseJsonObject, readBody } from '../body.reader';
import { rewriteCreateBody } from '../create/create-body.rewriter';
import { createDnsOptions, WeaveDnsSettings } from '../../dns/dns.settings';
import { WEAVE_DNS_SETTINGS } from '../../dns/dns.tokens';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { rewriteAnswer } from './answer.rewrite';

/**
 * `POST /containers/create`: for containers that are ours, run the command under weavewait
 * (/w/w, mounted read-only at /w) so the app starts only once ethwe is up. Others pass unchanged.
 */
@Injectable()
export class ContainerCreateEndpoint implements HandledEndpoint {
  readonly name = 'create';
  readonly method = 'POST';
  readonly path = /^\/containers\/create$/;

  constructor(
    private readonly docker: DockerClient,
    @Inject(WEAVE_OPTIONS) private readonly weave: WeaveOptions,
    // Null without --with-dns.
    @Inject(WEAVE_DNS_SETTINGS) private readonly dns: WeaveDnsSettings | null,
  ) {}

  async handle(ctx: EndpointContext): Promise<void> {
    const raw = await readBody(ctx.req);
    const body = parseJsonObject(raw);
    const imageName = typeof body.Image === 'string' ? body.Image : '';
    const image = imageName ? await this.docker.inspectImage(imageName) : undefined;
    const input = { networkMode: networkModeOf(body), env: mergeEnv(image?.Config?.Env ?? [], envOf(body)), withIpam: this.weave.withIpam };
    const selection = isOursAtCreate(input);
    if (!selection.ours) {
      const warning = notAttachedWarning(input);
      if (warning) ctx.log.warn({ image: imageName, networkMode: input.networkMode }, warning);
      ctx.proxy.forward(ctx.req, ctx.res, { body: raw, onResponse: warning ? rewriteAnswer(201, withWarning(warning)) : undefined });
      return;
    }
    const rewritten = rewriteCreateBody(body, imageCommand(image), {
      imageName,
      weavewaitHostDir: this.weave.weavewaitDir,
      // weavewait's gate does not depend on the proxy's options: no arguments for it.
      waitArgs: [],
      dns: this.dns ? createDnsOptions(this.dns, ctx.query.get('name'), body.Labels) : undefined,
    });
    ctx.log.debug({ image: imageName }, 'create rewritten for weave');
    ctx.proxy.forward(ctx.req, ctx.res, { body: Buffer.from(stringify(rewritten) ?? '{}') });
  }
}

function imageCommand(image: ImageInspect | undefined) {
  return image ? (image.Config ?? {}) : null;
}

function networkModeOf(body: Record<string, unknown>): string | undefined {
  const hc = body.HostConfig as { NetworkMode?: unknown } | undefined;
  return typeof hc?.NetworkMode === 'string' ? hc.NetworkMode : undefined;
}

function envOf(body: Record<string, unknown>): string[] {
  return Array.isArray(body.Env) ? body.Env.filter((e): e is string => typeof e === 'string') : [];
}

/** dockerd's create answer (`{"Id": ..., "Warnings": [...]}`) with `warning` added to its Warnings. */
export function withWarning(warning: string): (raw: Buffer) => Buffer {
  return (raw) => {
    const answer = JSON.parse(raw.toString('utf8')) as { Warnings?: unknown };
    const warnings = Array.isArray(answer.Warnings) ? answer.Warnings : [];
    return Buffer.from(`${JSON.stringify({ ...answer, Warnings: [...warnings, warning] })}\n`);
  };
}
