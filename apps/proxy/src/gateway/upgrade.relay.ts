import { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { DockerClient } from '@app/docker';
import { writeSocketError } from './docker-error.reply';
import { NO_METER, RelayMeter } from './pass-through.proxy';
import { BodyFramer } from './body.framing';

export interface StreamMeter extends RelayMeter {
  opened(): void;
  closed(): void;
}

/**
 * Hijacked streams (`docker run -i`, `attach`, `exec -i`): the client asks `Upgrade: tcp` and the
 * connection becomes raw bytes both ways. http-proxy's ws() only knows websockets (GET) and drops
 * the exec-start body, so this relays the request head and body itself and then pipes raw bytes,
 * half-closing each direction on EOF: the CLI's stdin EOF reaches the container while its output
 * still flows back. dockerd's status line and headers pass through byte for byte.
 */
export class UpgradeRelay {
  private readonly open = new Set<Duplex>();

  constructor(
    private readonly docker: DockerClient,
    private readonly meter: StreamMeter = { ...NO_METER, opened: () => {}, closed: () => {} },
  ) {}

  get openStreams(): number {
    return this.open.size / 2;
  }

  /**
   * Relays one hijack request. dockerd receives the request head and its declared body (by
   * `Content-Length` or chunked framing) in one write, as from a direct client; client bytes after
   * the body (stdin sent early) are held until dockerd's answer head has come back, so dockerd never
   * reads them as part of the request. Then raw bytes flow both ways with half-close. A client
   * that leaves at any point (even while we are still connecting) releases the dockerd connection.
   */
  handle(req: IncomingMessage, client: Duplex, head: Buffer): void {
    if (client.destroyed) return;
    const upstream = this.connect();
    this.track(client, upstream);
    const framer = new BodyFramer(req.headers);
    const request: Buffer[] = [Buffer.from(requestHead(req), 'latin1')];
    const held: Buffer[] = [];
    let connected = false;
    let answered = false;
    let toClient = 0;
    let answerTail = Buffer.alloc(0);
    let clientEnded = false;
    const sendRequest = () => {
      if (!connected || !framer.done || request.length === 0) return;
      upstream.write(Buffer.concat(request.splice(0)));
    };
    const fromClient = (c: Buffer) => {
      this.meter.toDocker(c.length);
      let n = 0;
      try {
        n = framer.done ? 0 : framer.consume(c);
      } catch {
        writeSocketError(client, 400, 'weave proxy: malformed chunked request body');
        return;
      }
      if (n > 0) request.push(c.subarray(0, n));
      if (n < c.length) held.push(c.subarray(n));
      if (framer.done) client.pause();
      sendRequest();
    };
    const fromUpstream = (c: Buffer) => {
      toClient += c.length;
      this.meter.toClient(c.length);
      client.write(c);
      // dockerd's answer head ends at the first blank line; the chunk is forwarded as it came.
      const seen = Buffer.concat([answerTail, c]);
      if (seen.includes('\r\n\r\n')) startStreaming();
      else answerTail = seen.subarray(-3);
    };
    const startStreaming = () => {
      if (answered) return;
      answered = true;
      upstream.off('data', fromUpstream);
      client.off('data', fromClient);
      for (const b of held.splice(0)) upstream.write(b);
      upstream.pipe(client);
      if (clientEnded) upstream.end();
      else client.pipe(upstream);
      client.on('data', (c: Buffer) => this.meter.toDocker(c.length));
      upstream.on('data', (c: Buffer) => this.meter.toClient(c.length));
    };
    client.on('data', fromClient);
    if (head.length) fromClient(head);
    upstream.on('data', fromUpstream);
    client.once('end', () => (clientEnded = !answered));
    upstream.once('end', () => {
      if (!answered) client.end();
    });
    upstream.once(this.docker.endpoint.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      sendRequest();
    });
    upstream.on('error', () => {
      if (toClient === 0 && !client.destroyed) {
        this.meter.upstreamError();
        writeSocketError(client, 502, `Cannot connect to the Docker daemon at ${this.docker.endpoint.url}. Is the docker daemon running?`);
      } else client.destroy();
    });
    client.on('error', () => upstream.destroy());
  }

  /** Ends every hijacked stream (shutdown). */
  endAll(): void {
    for (const s of this.open) s.destroy();
  }

  private track(client: Duplex, upstream: Duplex): void {
    this.meter.opened();
    client.once('close', () => this.meter.closed());
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.once('close', () => {
        this.open.delete(s);
        // When one side is fully gone the other has nothing left to relay.
        (s === client ? upstream : client).destroy();
      });
    }
    if (client instanceof net.Socket) client.setNoDelay(true);
  }

  private connect(): net.Socket {
    const { socketPath, host, port, tls: secure } = this.docker.endpoint;
    if (secure) {
      // No servername: Node sends SNI only for names and checks an IP against the IP SANs.
      const socket = tls.connect({ host, port, ...this.docker.tlsFiles });
      socket.allowHalfOpen = true;
      return socket;
    }
    const socket = socketPath
      ? net.connect({ path: socketPath, allowHalfOpen: true })
      : net.connect({ host: host as string, port: port as number, allowHalfOpen: true });
    socket.setNoDelay(true);
    return socket;
  }
}

function requestHead(req: IncomingMessage): string {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head + '\r\n';
}
