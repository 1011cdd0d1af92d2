import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { Duplex } from 'node:stream';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { serverTlsMaterial } from '../config/tls.files';
import { GatewayService } from '../gateway/gateway.service';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { isLoopback, ListenAddress, parseListenAddress } from '../config/listen-address';
import { HEADERS_TIMEOUT_MS, httpServerOptions, httpsServerOptions, KEEP_ALIVE_TIMEOUT_MS } from './server.options';
import { MAX_REQUEST_HEAD_BYTES, replyClientError } from './client-error.reply';
import { announceAsUpgrades, wasAnnounced } from './hijack.parser-hook';
import { mayHijack } from '../gateway/hijack.requests';
import { RawSettings } from '../gateway/gateway.service';
import { bindServer, closeServers } from './server.binding';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const ADMIN_PREFIX = '/_weave/';
/** How long requests in flight may take to finish at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 1000;

/** Whether a request is for the admin API (`/_weave/...`), never for dockerd. */
export function isAdminPath(url: string | undefined): boolean {
  return url === '/_weave' || (url?.startsWith(ADMIN_PREFIX) ?? false);
}

/**
 * Owns the proxy's listeners. Each one sends `/_weave/...` to the admin API (Fastify, through
 * Nest) and everything else straight to the gateway, so Docker API traffic never pays for
 * Fastify's routing or body parsing. With --tls/--tlsverify every TCP listener speaks TLS; unix
 * listeners stay plain, like dockerd's, and are guarded by the Docker socket's mode and group.
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
    const dispatch: RequestHandler = (req, res) => (isAdminPath(req.url) ? admin(req, res) : this.gateway.handle(req, res));
    for (const url of this.config.listen) {
      const addr = parseListenAddress(url);
      const server = this.createServer(addr, dispatch);
      await this.bind(server, addr);
      this.servers.push(server);
      this.bound.push(url);
      this.log.info({ listen: url, tls: server instanceof https.Server, clientCerts: this.config.tlsVerify }, 'listening');
      this.warnIfExposed(addr);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.gateway.closeStreams(SHUTDOWN_GRACE_MS);
    await closeServers(this.servers, SHUTDOWN_GRACE_MS);
  }

  private createServer(addr: ListenAddress, dispatch: RequestHandler): http.Server {
    const secure = addr.kind === 'tcp' && this.config.tls;
    const server = secure
      ? https.createServer(httpsServerOptions(serverTlsMaterial(this.config), this.config.tlsVerify), dispatch)
      : http.createServer(httpServerOptions(), dispatch);
    server.on('upgrade', (req, socket, head) => {
      // Announced by us and not a hijack: a pass-through request, relayed as bytes from here.
      if (wasAnnounced(req) && !mayHijack(req.method, req.url)) this.gateway.relayRawFrom(req, socket, head, this.raw);
      else this.gateway.upgrade(req, socket, head);
    });
    announceAsUpgrades(server, (method, url) => mayHijack(method, url) || this.relaysRaw(method, url));
    // A broken request or a refused handshake concerns that one connection only; a malformed
    // request gets dockerd's 400/431 answer rather than a reset.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => replyClientError(err, socket));
    // With a listener Node no longer destroys the socket itself (and allowHalfOpen keeps it open).
    if (secure) server.on('tlsClientError', (err: Error, socket: Duplex) => this.refused(err, socket));
    return server;
  }

  /** Docker API requests that are not handled endpoints go raw; `/_weave/...` never does. */
  private relaysRaw(method: string | undefined, url: string | undefined): boolean {
    return !isAdminPath(url) && this.gateway.relaysRaw(method, url);
  }

  private readonly raw: RawSettings = {
    relaysRaw: (head) => this.relaysRaw(head.method, head.url),
    maxHeadBytes: MAX_REQUEST_HEAD_BYTES,
    timeouts: { keepAliveMs: KEEP_ALIVE_TIMEOUT_MS, headersMs: HEADERS_TIMEOUT_MS },
  };

  private refused(err: Error, socket: Duplex): void {
    this.log.debug({ err: err.message }, 'tls handshake refused');
    socket.destroy();
  }

  /**
   * Whoever reaches a TCP listener without client certificates controls dockerd, i.e. root. The
   * config loader refuses a plain one off loopback unless the operator opted in (`--tls=false`);
   * here it is said once more, loudly, in the log of every start.
   */
  private warnIfExposed(addr: ListenAddress): void {
    if (addr.kind !== 'tcp' || isLoopback(addr) || this.config.tlsVerify) return;
    const plain = !this.config.tls;
    // The one message built from a value: the address is the point of the warning.
    this.log.warn(
      { listen: addr.url, risk: 'unauthenticated-docker-api', tls: !plain, optIn: plain ? '--tls=false' : undefined },
      `anyone who can reach ${addr.url} controls Docker, which is root on this host; use --tlsverify`,
    );
  }

  private async bind(server: http.Server, addr: ListenAddress): Promise<void> {
    await bindServer(server, addr);
    if (addr.kind === 'unix') this.copySocketPermissions(addr.path);
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
