import { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import { Duplex, Readable } from 'node:stream';
import { DockerClient } from '@app/docker';
import { connectToDocker } from './docker.connection';
import { writeSocketError } from './docker-error.reply';
import { answerHead, detachFromHttpServer, returnToHttpServer } from './hijack.answer';
import { relayRaw, release } from './raw.stream';
import { NO_STREAM_METER, StreamMeter } from './relay.meter';
import { UpgradeExchange } from './upgrade.exchange';

export type { StreamMeter } from './relay.meter';

/**
 * Hijacked streams (`docker run -i`, `attach`, `exec -i`): the connection becomes raw bytes both
 * ways. Two ways in: a request with `Connection: Upgrade` (Node's `upgrade` event; `handle`
 * relays it on a dockerd connection of its own, see `UpgradeExchange`), or an ordinary request
 * that dockerd answers with a hijack (`takeOver`). Either way each direction is half-closed on
 * its EOF, and a side that goes away releases the other and the `hijacked_streams_open` gauge.
 */
export class UpgradeRelay {
  private readonly open = new Set<Readable>();

  constructor(
    private readonly docker: DockerClient,
    private readonly meter: StreamMeter = NO_STREAM_METER,
  ) {}

  get openStreams(): number {
    return this.open.size / 2;
  }

  /**
   * Relays one `Upgrade` request (or exec start/attach announced as one). A client that leaves at
   * any point (even while we are still connecting) releases the dockerd connection; dockerd
   * unreachable before any answer byte is a Docker-shaped 502; an answer that is not a hijack
   * gives the client connection back to the HTTP server once its body is through.
   * `answered` gets the status the client was answered (dockerd's, or the proxy's 502);
   * `track(...)` returns how to stop counting the connection as a stream.
   */
  handle(req: IncomingMessage, client: Duplex, head: Buffer, answered: (status: number) => void = () => {}): void {
    if (client.destroyed) return;
    const upstream = connectToDocker(this.docker);
    const untrack = this.track(client, upstream, upstream);
    const httpAgain = (held: Buffer | undefined): void => {
      untrack();
      if (held === undefined) client.end();
      else returnToHttpServer(client, held);
    };
    const exchange = new UpgradeExchange(req, client, upstream, this.meter, httpAgain, answered);
    exchange.start(head);
    upstream.once(this.docker.endpoint.tls ? 'secureConnect' : 'connect', () => exchange.connectedToDocker());
    upstream.on('error', () => {
      if (exchange.toClient === 0 && !client.destroyed) {
        this.meter.upstreamError();
        answered(502);
        writeSocketError(client, 502, `Cannot connect to the Docker daemon at ${this.docker.endpoint.url}. Is the docker daemon running?`);
      } else client.destroy();
    });
    client.on('error', () => upstream.destroy());
  }

  /**
   * dockerd hijacked an ordinary request (exec start or attach without `Connection: Upgrade`):
   * the client's connection leaves Node's HTTP server, gets dockerd's answer head as it came
   * (no `Transfer-Encoding`) and then raw bytes both ways. For a `101`, Node's HTTP client hands
   * over dockerd's `socket` and the bytes read after the head; for a `200` raw stream, `answer`
   * carries the output and its socket takes the client's stdin.
   */
  takeOver(req: IncomingMessage, answer: IncomingMessage, socket?: Duplex, head?: Buffer): void {
    const client = req.socket;
    detachFromHttpServer(client);
    const upstream = socket ?? answer.socket;
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    answer.on('error', () => client.destroy());
    const answered = answerHead(answer);
    client.write(answered, 'latin1');
    this.meter.toClient(answered.length);
    if (head?.length) {
      client.write(head);
      this.meter.toClient(head.length);
    }
    // A 200's output ends with dockerd's EOF on `answer`, which Node reads before closing the socket.
    this.track(client, socket ?? answer, upstream);
    relayRaw(client, socket ?? answer, upstream, this.meter, client.readableEnded);
  }

  /** Ends every hijacked stream (shutdown). */
  endAll(): void {
    for (const s of this.open) s.destroy();
  }

  /**
   * Counts a stream until the client is gone; when either side closes, the other has nothing
   * left to relay and is released (`release`). `upstreamSocket`: dockerd's connection, when the
   * side tracked is its answer rather than the socket itself.
   */
  private track(client: Duplex, upstream: Readable, upstreamSocket: Duplex): () => void {
    this.meter.opened();
    const onClose = new Map<Readable, () => void>();
    for (const s of [client, upstream]) {
      this.open.add(s);
      onClose.set(s, () => {
        this.open.delete(s);
        if (s === client) {
          this.meter.closed();
          upstreamSocket.destroy();
        } else release(client);
      });
      s.once('close', onClose.get(s) as () => void);
    }
    if (client instanceof net.Socket) client.setNoDelay(true);
    return () => {
      for (const [s, l] of onClose) {
        s.off('close', l);
        this.open.delete(s);
      }
      this.meter.closed();
    };
  }
}
