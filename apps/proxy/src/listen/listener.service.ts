import * as fs from 'node:fs';
import * as http from 'node:http';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { GatewayService } from '../gateway/gateway.service';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { ListenAddress, parseListenAddress } from './listen-address';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const ADMIN_PREFIX = '/_weave/';

/**
 * Owns the proxy's listeners. Each one sends `/_weave/...` to the admin API (Fastify, through
 * Nest) and everything else straight to the gateway, so Docker API traffic never pays for
 * Fastify's routing or body parsing.
 */
@Injectable()
export class ListenerService implements OnApplicationShutdown {
  private readonly servers: http.Server[] = [];
  private readonly log: Logger;
  private bound: string[] = [];

  constructor(
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    private readonly gateway: GatewayService,
    private readonly docker: DockerClient,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ component: 'listener' });
  }

  get addresses(): string[] {
    return this.bound;
  }

  async start(admin: RequestHandler): Promise<void> {
    const dispatch: RequestHandler = (req, res) =>
      req.url?.startsWith(ADMIN_PREFIX) || req.url === '/_weave' ? admin(req, res) : this.gateway.handle(req, res);
    for (const url of this.config.listen) {
      const addr = parseListenAddress(url);
      const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 }, dispatch);
      server.on('upgrade', (req, socket, head) => this.gateway.upgrade(req, socket, head));
      server.on('clientError', (_err, socket) => socket.destroy());
      await this.bind(server, addr);
      this.servers.push(server);
      this.bound.push(url);
      this.log.info({ listen: url }, 'listening');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
            // Streaming answers (events, logs -f) never end by themselves.
            setTimeout(() => s.closeAllConnections(), 1000).unref();
          }),
      ),
    );
  }

  private bind(server: http.Server, addr: ListenAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const done = () => {
        server.off('error', reject);
        if (addr.kind === 'unix') this.copySocketPermissions(addr.path);
        resolve();
      };
      if (addr.kind === 'tcp') {
        server.listen(addr.port, addr.host, done);
      } else {
        fs.rmSync(addr.path, { force: true });
        server.listen(addr.path, done);
      }
    });
  }

  /** A unix listener gets the Docker socket's mode and group, so the same users may use it. */
  private copySocketPermissions(path: string): void {
    const dockerSocket = this.docker.endpoint.socketPath;
    try {
      const st = dockerSocket ? fs.statSync(dockerSocket) : undefined;
      fs.chmodSync(path, st ? st.mode & 0o777 : 0o660);
      if (st) fs.chownSync(path, 0, st.gid);
    } catch (err) {
      this.log.warn({ err, path }, 'could not copy the docker socket permissions');
    }
  }
}
