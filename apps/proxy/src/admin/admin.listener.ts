import * as fs from 'node:fs';
import * as http from 'node:http';
import { Duplex } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ERRORS } from '@app/common';
import { PROXY_CONFIG } from '../config/config.tokens';
import { isLoopback, parseListenAddress } from '../config/listen-address';
import { ProxyConfig } from '../config/proxy.config';
import { replyClientError } from '../listen/client-error.reply';
import { isAdminPath, RequestHandler } from '../listen/listener.service';
import { bindServer, closeServers } from '../listen/server.binding';
import { httpServerOptions } from '../listen/server.options';
import { Logger, ROOT_LOGGER } from '../logging/logger';

/**
 * A unix admin socket is as reachable as a loopback TCP port (any local user): the admin API is
 * read-only and grants nothing of Docker, which is the point of a separate listener.
 */
const ADMIN_SOCKET_MODE = 0o666;

const NOT_SERVED = ERRORS.WPX_DOCKER_API_NOT_SERVED;
const NOT_SERVED_MESSAGE = 'this is an admin listener (--admin-listen): it serves only /_weave/, not the Docker API';
const READ_ONLY = ERRORS.WPX_ADMIN_READ_ONLY;
const READ_ONLY_MESSAGE = 'this is an admin listener (--admin-listen): it is read-only; weave expose, hide and rmpeer go to a -L listener';
const READS = new Set(['GET', 'HEAD']);

/**
 * The `--admin-listen` listeners: the read-only admin API (`/_weave/status`, `allocations`,
 * `containers`, `metrics`, `healthz`, `readyz`) over plain HTTP, and nothing of the Docker API. Any
 * other request, a hijack/upgrade included, is a 404 `{code: WPX_DOCKER_API_NOT_SERVED, message}`
 * and never reaches dockerd, so a monitoring system scrapes without Docker (root) credentials. A
 * request that would change something (`POST`/`DELETE`: expose, hide, rmpeer) is a 405
 * `WPX_ADMIN_READ_ONLY`: those are served on the `-L` listeners, behind Docker's own credentials.
 * A non-loopback admin listener is allowed (monitoring data, no control) and logged as a warning.
 */
@Injectable()
export class AdminListenerService implements OnApplicationShutdown {
  private readonly servers: http.Server[] = [];
  private readonly log: Logger;
  private bound: string[] = [];

  constructor(
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ component: 'admin-listener' });
  }

  /** The admin listeners now listening, as given (`tcp://127.0.0.1:9375`). */
  get addresses(): string[] {
    return this.bound;
  }

  /** Binds every `--admin-listen`; `admin` is the admin API's request handler (Fastify's, through Nest). */
  async start(admin: RequestHandler): Promise<void> {
    for (const url of this.config.adminListen) {
      const addr = parseListenAddress(url);
      const server = this.createServer(admin);
      await bindServer(server, addr);
      if (addr.kind === 'unix') this.openSocket(addr.path);
      this.servers.push(server);
      this.bound.push(url);
      this.log.info({ adminListen: url }, 'admin listening');
      if (!isLoopback(addr)) this.log.warn({ adminListen: url }, 'admin API reachable from the network (read-only: status, containers, metrics)');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await closeServers(this.servers);
  }

  private createServer(admin: RequestHandler): http.Server {
    const server = http.createServer(httpServerOptions(), (req, res) => {
      if (!isAdminPath(req.url)) return refuse(res, NOT_SERVED, NOT_SERVED_MESSAGE);
      if (!READS.has(req.method ?? '')) return refuse(res, READ_ONLY, READ_ONLY_MESSAGE);
      return admin(req, res);
    });
    server.on('upgrade', (_req, socket: Duplex) => notServedRaw(socket));
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => replyClientError(err, socket));
    return server;
  }

  private openSocket(path: string): void {
    try {
      fs.chmodSync(path, ADMIN_SOCKET_MODE);
    } catch (err) {
      this.log.warn({ err, path }, 'could not open the admin socket to local users');
    }
  }
}


function refuse(res: http.ServerResponse, entry: { code: string; status: number }, message: string): void {
  const body = JSON.stringify({ code: entry.code, message });
  res.writeHead(entry.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// An upgrade (attach, exec) has no ServerResponse: the answer is written on the socket, which then closes.
function notServedRaw(socket: Duplex): void {
  const body = JSON.stringify({ code: NOT_SERVED.code, message: NOT_SERVED_MESSAGE });
  const head = `HTTP/1.1 ${NOT_SERVED.status} Not Found\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  socket.on('error', () => socket.destroy());
  socket.end(head + body, () => socket.destroy());
}
