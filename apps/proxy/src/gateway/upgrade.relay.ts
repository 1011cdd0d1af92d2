import { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { DockerClient } from '@app/docker';
import { writeSocketError } from './docker-error.reply';
import { NO_METER, RelayMeter } from './pass-through.proxy';

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

  handle(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const upstream = this.connect();
    let connected = false;
    const onConnect = () => {
      connected = true;
      upstream.write(requestHead(req));
      if (head.length) upstream.write(head);
      this.track(client, upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('data', (c: Buffer) => this.meter.toDocker(c.length));
      upstream.on('data', (c: Buffer) => this.meter.toClient(c.length));
    };
    upstream.once(this.docker.endpoint.tls ? 'secureConnect' : 'connect', onConnect);
    upstream.on('error', () => {
      if (!connected) {
        this.meter.upstreamError();
        writeSocketError(client, 502, `Cannot connect to the Docker daemon at ${this.docker.endpoint.url}. Is the docker daemon running?`);
      }
      client.destroy();
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
