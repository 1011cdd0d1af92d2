import { Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { bindTarget, WEAVEWAIT_TARGET } from '@app/weave';
import { EndpointContext, HandledEndpoint } from '../route.table';
import { rewriteAnswer } from './answer.rewrite';

/** dockerd's kinds in `GET /containers/{id}/changes`: 0 modified, 1 added, 2 deleted. */
const ADDED = 1;

/**
 * `GET /containers/{id}/changes` (`docker diff`): dockerd lists the `/w` mount point it made for
 * the weavewait bind as added; the user never made it, so it is left out for containers that
 * carry that bind. Everything else is dockerd's answer unchanged.
 */
@Injectable()
export class ContainerChangesEndpoint implements HandledEndpoint {
  readonly name = 'changes';
  readonly method = 'GET';
  readonly path = /^\/containers\/([^/]+)\/changes$/;

  constructor(private readonly docker: DockerClient) {}

  async handle(ctx: EndpointContext): Promise<void> {
    const container = await this.docker.inspectContainer(ctx.params[0]).catch(() => undefined);
    const ours = (container?.HostConfig.Binds ?? []).some((b) => bindTarget(b) === WEAVEWAIT_TARGET);
    if (!ours) return ctx.proxy.forward(ctx.req, ctx.res);
    ctx.proxy.forward(ctx.req, ctx.res, {
      onResponse: rewriteAnswer(200, (raw) => Buffer.from(withoutWeavewaitMount(raw.toString('utf8')))),
    });
  }
}

/** The JSON answer without `{Path: "/w", Kind: 1}`; `null` (dockerd's "no changes") when nothing is left. */
export function withoutWeavewaitMount(json: string): string {
  let changes: unknown;
  try {
    changes = JSON.parse(json);
  } catch {
    return json;
  }
  if (!Array.isArray(changes)) return json;
  const kept = changes.filter((c: { Path?: unknown; Kind?: unknown }) => !(c?.Path === WEAVEWAIT_TARGET && c?.Kind === ADDED));
  if (kept.length === changes.length) return json;
  return `${JSON.stringify(kept.length ? kept : null)}\n`;
}
