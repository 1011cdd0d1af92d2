import { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { bindTarget, WEAVEWAIT_TARGET } from '@app/weave';
import { relayResponse } from '../pass-through.proxy';
import { EndpointContext, HandledEndpoint } from '../route.table';

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
      onResponse: async (upstream, res) => {
        if (upstream.statusCode !== 200) return relayResponse(upstream, res);
        const raw = await readAll(upstream);
        const body = Buffer.from(withoutWeavewaitMount(raw.toString('utf8')));
        const headers = { ...upstream.headers, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        delete headers.connection;
        res.writeHead(200, headers);
        res.end(body);
      },
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

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}
