import { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import httpProxy from 'http-proxy';
import { DockerClient } from '@app/docker';
import { Duplex } from 'node:stream';
import { replyDockerError } from './docker-error.reply';
import { isHijackAnswer } from './hijack.answer';
import { NO_METER, RelayMeter } from './relay.meter';

export { NO_METER } from './relay.meter';
export type { RelayMeter } from './relay.meter';

/** Decides what happens with dockerd's answer to an intercepted request (e.g. hold a start). */
export type ResponseHook = (upstream: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Takes over a client connection that dockerd hijacked on an ordinary request (see
 * `UpgradeRelay.takeOver`); `socket` and `head` are given for a `101`.
 */
export type HijackHandler = (req: IncomingMessage, answer: IncomingMessage, socket?: Duplex, head?: Buffer) => void;

export interface ForwardOptions {
  /** A replacement body (already rewritten JSON); the original request stream is then not used. */
  body?: Buffer;
  onResponse?: ResponseHook;
}

// Hop-by-hop headers describe our connection to dockerd, not the client's connection to us.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);

/**
 * Forwards a request to dockerd over the shared keep-alive pool and streams the answer back:
 * status and headers flushed at once (the CLI waits on `POST /wait` before it starts a
 * container), then every chunk as it comes, with backpressure both ways. A client that goes
 * away releases its upstream connection.
 */
export class PassThroughProxy {
  private readonly proxy: httpProxy;
  private readonly hooks = new WeakMap<IncomingMessage, ResponseHook>();
  private readonly hijacked = new WeakSet<ServerResponse>();

  constructor(
    private readonly docker: DockerClient,
    private readonly meter: RelayMeter = NO_METER,
    private readonly hijack: HijackHandler = (req) => req.socket.destroy(),
  ) {
    const { socketPath, host, port, tls } = docker.endpoint;
    const target = socketPath
      ? ({ socketPath } as unknown as httpProxy.ProxyTargetUrl)
      : `${tls ? 'https' : 'http'}://${host?.includes(':') ? `[${host}]` : host}:${port}`;
    this.proxy = httpProxy.createProxyServer({
      target,
      agent: docker.agent,
      selfHandleResponse: true,
      xfwd: false,
      // A copy: http-proxy uses `ssl` as its outgoing-request object and writes path, headers and
      // socketPath into it, which would then leak into the upgrade relay's tls.connect.
      ...(tls ? { secure: true, ssl: { ...docker.tlsFiles } } : {}),
    });
    this.proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse) => {
      // http-proxy rebuilds the path (url.parse, then `//` collapsed into `/`): dockerd must see
      // exactly the path the client sent. The head is not written yet, so this still applies.
      if (req.url) proxyReq.path = req.url;
      // Hop-by-hop: a client's `Connection: close` would make dockerd close a connection that
      // the pool then hands to the next request (EPIPE, a 502 for someone else).
      for (const h of HOP_BY_HOP) proxyReq.removeHeader(h);
      // `Upgrade: tcp` without `Connection: Upgrade` reaches us as a request, yet dockerd answers 101.
      proxyReq.on('upgrade', (answer: IncomingMessage, socket: Duplex, head: Buffer) => this.takeOver(req, res, answer, socket, head));
      res.once('close', () => {
        if (!res.writableFinished) proxyReq.destroy();
      });
    });
    this.proxy.on('proxyRes', (upstream, req, res) => this.onProxyRes(upstream, req, res));
    // Errors raised without a per-call callback (should not happen; kept so none is ever unhandled).
    this.proxy.on('error', (err, _req, res) => this.onError(err, res as ServerResponse));
  }

  forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions = {}): void {
    let buffer: Readable | undefined;
    if (options.body) {
      req.headers['content-length'] = String(options.body.length);
      delete req.headers['transfer-encoding'];
      buffer = Readable.from([options.body]);
    }
    if (options.onResponse) this.hooks.set(req, options.onResponse);
    this.proxy.web(req, res, { buffer }, (err) => this.onError(err, res));
    // After web(): it has piped the body synchronously, so this listener cannot steal data.
    if (options.body) this.meter.toDocker(options.body.length);
    else req.on('data', (c: Buffer) => this.meter.toDocker(c.length));
  }

  close(): void {
    this.proxy.close();
  }

  private onProxyRes(upstream: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    if (isHijackAnswer(upstream)) return this.takeOver(req, res, upstream);
    const hook = this.hooks.get(req);
    if (!hook) relayResponse(upstream, res);
    else Promise.resolve(hook(upstream, res)).catch((err) => this.onError(err as Error, res));
    // Only now: the relay or the hook has attached its consumer, so counting loses nothing.
    upstream.on('data', (c: Buffer) => this.meter.toClient(c.length));
  }

  /** Decided by dockerd's answer, not the request: exec start and attach hijack without `Upgrade`. */
  private takeOver(req: IncomingMessage, res: ServerResponse, answer: IncomingMessage, socket?: Duplex, head?: Buffer): void {
    this.hijacked.add(res);
    this.hijack(req, answer, socket, head);
  }

  private onError(err: Error, res: ServerResponse): void {
    this.meter.upstreamError();
    // A hijacked connection carries raw bytes now: an HTTP error answer would corrupt the stream.
    if (res.headersSent || res.destroyed || this.hijacked.has(res)) {
      res.destroy();
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    const down = code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE';
    const message = down
      ? `Cannot connect to the Docker daemon at ${this.docker.endpoint.url}. Is the docker daemon running?`
      : `weave proxy: error talking to the Docker daemon: ${err.message}`;
    replyDockerError(res, 502, message);
  }
}

/** Writes dockerd's status line and headers (less hop-by-hop ones) as they came. */
export function relayHead(upstream: IncomingMessage, res: ServerResponse): void {
  const raw = upstream.rawHeaders;
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  }
  res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
}

/** Relays dockerd's status line and headers exactly, flushes them, then streams the body. */
export function relayResponse(upstream: IncomingMessage, res: ServerResponse): void {
  relayHead(upstream, res);
  // A streamed answer (events, logs -f, wait) must show its headers now; a sized one is written
  // with its body in one go.
  if (upstream.headers['content-length'] === undefined) res.flushHeaders();
  res.once('close', () => {
    if (!upstream.complete) upstream.destroy();
  });
  upstream.pipe(res);
}
