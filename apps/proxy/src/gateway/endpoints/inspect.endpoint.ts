import { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { parse, stringify } from 'lossless-json';
import { ContainerInspect } from '@app/docker';
import { AttachService } from '@app/weave';
import { relayResponse } from '../pass-through.proxy';
import { EndpointContext, HandledEndpoint } from '../route.table';

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
    ctx.proxy.forward(ctx.req, ctx.res, {
      onResponse: async (upstream, res) => {
        if (upstream.statusCode !== 200) return relayResponse(upstream, res);
        const raw = await readAll(upstream);
        const body = await this.rewrite(raw).catch(() => raw);
        const headers = { ...upstream.headers, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        delete headers.connection;
        res.writeHead(200, headers);
        res.end(body);
      },
    });
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

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}
