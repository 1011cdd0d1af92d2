import { Duplex } from 'node:stream';
import { BodyFramer } from '../body.framing';
import { writeSocketError } from '../docker-error.reply';
import { tunnel, writeOrPause } from '../raw.stream';
import { AnswerFramer } from './answer.framer';
import { framingHeaders, HeadInfo } from './llhttp';
import { RequestHeads } from './request.heads';
import { ClientTimer } from './client.timer';
import { DockerLink } from './docker.link';
import { Exchange } from './exchange';
import { RawSessionDeps } from './raw.deps';

export type { RawSessionDeps } from './raw.deps';

const NOTHING = Buffer.alloc(0);
/** How much a client may send ahead (pipelined) while an answer is in flight before it is paused. */
const HELD_LIMIT = 64 * 1024;

/**
 * One client connection relayed as bytes, as HAProxy's tcp mode does, on a dockerd connection of
 * its own. llhttp reads each request head (routing needs its method and URL) and stops there;
 * the head and body go to dockerd exactly as the client sent them, framed by `BodyFramer`, and
 * dockerd's answer comes back exactly as it sent it, framed by `AnswerFramer`. One request is in
 * flight at a time. A request the gateway must see (intercepted, admin, upgrade, exec start or
 * attach, or one llhttp cannot read) waits until the answer before it is through, then the
 * connection goes to Node's HTTP server. A client that leaves releases dockerd's connection
 * (the stream of `docker events`, `logs -f`); dockerd unreachable before an answer is a 502.
 */
export class RawSession {
  private readonly heads: RequestHeads;
  private readonly answers: AnswerFramer;
  private readonly timer: ClientTimer;
  private readonly docker: DockerLink;
  private body?: BodyFramer;
  private flight?: Exchange;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private gone = false;
  private closing = false;

  constructor(
    private readonly client: Duplex,
    private readonly deps: RawSessionDeps,
  ) {
    this.heads = new RequestHeads(deps.maxHeadBytes);
    // dockerd's bytes are kept only where the client's write queue keeps them.
    this.docker = new DockerLink(deps.connect, this.fromDocker, () => this.upstreamGone(), () => client.writableLength > 0);
    this.answers = new AnswerFramer({
      head: (status, keepAlive) => Object.assign(this.flight as Exchange, { status, keepAlive }),
      hijacked: () => this.onHijack(),
      complete: () => this.onAnswerComplete(),
    });
    // Idle: between requests, with no part of the next head in.
    this.timer = new ClientTimer(client, deps.timeouts, () => !this.flight && !this.body && !this.heads.pending, () => this.close());
  }

  /**
   * Starts with a request Node's HTTP server already read (its head rebuilt as `head`); `rest` is
   * every byte the client sent after that head.
   */
  start(first: HeadInfo, head: Buffer, rest: Buffer): void {
    this.client.on('data', this.fromClient);
    this.client.on('end', this.close);
    this.client.on('close', this.close);
    this.client.on('error', this.close);
    this.begin(first, head);
    if (rest.length) this.fromClient(rest);
  }

  /** Whether the session no longer owns the client connection. */
  get ended(): boolean {
    return this.gone;
  }

  /** Shutdown: an idle connection closes now, one with a request in flight once it is answered. */
  shutdown(): void {
    this.closing = true;
    if (!this.flight) this.close();
  }

  private readonly fromClient = (chunk: Buffer): void => {
    let c = chunk;
    while (c.length > 0 && !this.gone) {
      if (this.flight && this.flight.bodySent) return this.hold(c);
      if (this.body) c = this.sendBody(c);
      else c = this.readHead(c);
    }
  };

  /** Reads a request head; returns the bytes after it, or none when it is not whole yet. */
  private readHead(c: Buffer): Buffer {
    const head = this.heads.read(c);
    if (head === undefined) {
      this.timer.headStarted();
      return NOTHING;
    }
    if ('error' in head) {
      this.handOver(head.unread); // the HTTP server answers it as dockerd would (400, 431)
      return NOTHING;
    }
    if (head.info.upgrade || !this.deps.relaysRaw(head.info)) {
      this.handOver(Buffer.concat([head.bytes, head.rest]));
      return NOTHING;
    }
    this.begin(head.info, head.bytes);
    return head.rest;
  }

  private begin(info: HeadInfo, head: Buffer): void {
    this.timer.headDone();
    this.flight = new Exchange(this.deps.requestStarted(info.method, info.url));
    this.answers.expect(info.method);
    this.body = new BodyFramer(framingHeaders(info.headers));
    this.toDocker(head);
    if (this.body.done) this.bodySent();
  }

  /** Relays what belongs to the request body; returns what follows it. */
  private sendBody(c: Buffer): Buffer {
    const body = this.body as BodyFramer;
    let n: number;
    try {
      n = body.consume(c);
    } catch {
      this.fail(400, 'weave proxy: malformed chunked request body');
      return NOTHING;
    }
    if (n > 0) this.toDocker(c.subarray(0, n));
    if (body.done) this.bodySent();
    return c.subarray(n);
  }

  private bodySent(): void {
    this.body = undefined;
    (this.flight as Exchange).bodySent = true;
    if (this.flight?.through) this.endExchange();
  }

  private hold(c: Buffer): void {
    this.held.push(c);
    this.heldBytes += c.length;
    if (this.heldBytes > HELD_LIMIT) this.client.pause();
  }

  private toDocker(c: Buffer): void {
    if (this.flight) this.flight.toDocker += c.length;
    this.docker.write(c, this.client);
  }

  private readonly fromDocker = (c: Buffer): void => {
    writeOrPause(this.client, c, this.docker.current as Duplex);
    if (!this.flight) return this.close(); // dockerd speaks unasked: not HTTP
    this.flight.toClient += c.length;
    if (this.answers.execute(c)) this.close();
  };

  /** dockerd ended or dropped its connection (it is never left half-open). */
  private upstreamGone(): void {
    if (this.gone) return;
    const flight = this.flight;
    if (!flight) return; // an idle connection dockerd closed: the next request opens another
    if (flight.status === 0) return this.fail(502, `Cannot connect to the Docker daemon at ${this.deps.daemonUrl}. Is the docker daemon running?`);
    // An answer that lasts until EOF ends here (one cut short just ends); nothing more is read.
    flight.keepAlive = false;
    this.answers.finish();
    this.release();
  }

  private onAnswerComplete(): void {
    (this.flight as Exchange).complete = true;
    if (this.flight?.through) this.endExchange();
  }

  /**
   * dockerd hijacked a request the gateway did not expect it to (those go through `UpgradeRelay`):
   * raw bytes both ways from now on, each direction half-closed on its own EOF.
   */
  private onHijack(): void {
    const upstream = this.docker.release() as Duplex;
    this.countExchange();
    this.detach();
    tunnel(this.client, upstream, this.held.splice(0), this.deps.meter);
  }

  /** Request and answer are both through: count it, then read what the client sent next. */
  private endExchange(): void {
    const keepAlive = (this.flight as Exchange).keepAlive;
    this.countExchange();
    if (!keepAlive || this.closing) return this.release();
    const held = Buffer.concat(this.held.splice(0));
    this.heldBytes = 0;
    this.client.resume();
    if (held.length) this.fromClient(held);
  }

  private countExchange(): void {
    this.flight?.count(this.deps.meter);
    this.flight = undefined;
  }

  /** A request the gateway must see: the connection goes back to Node's HTTP server. */
  private handOver(bytes: Buffer): void {
    this.detach();
    this.docker.destroy();
    this.deps.toHttpServer(this.client, bytes);
  }

  /** The proxy's own answer (dockerd unreachable, a malformed body); the connection then closes. */
  private fail(status: number, message: string): void {
    if (this.flight) this.flight.status = status;
    if (status === 502) this.deps.meter.upstreamError();
    this.countExchange();
    this.detach();
    this.docker.destroy();
    writeSocketError(this.client, status, message);
  }

  /** dockerd's side is done: what it sent is flushed to the client, then the connection closes. */
  private release(): void {
    this.countExchange();
    this.detach();
    this.docker.destroy();
    this.client.end();
  }

  /** The client left (or spoke garbage): everything goes, dockerd's stream included. */
  readonly close = (): void => {
    if (this.gone) return;
    this.countExchange();
    this.detach();
    this.docker.destroy();
    this.client.destroy();
  };

  private detach(): void {
    this.gone = true;
    this.deps.ended(this);
    this.timer.stop();
    // The parsers are not closed here: this may run inside one of their callbacks, and close()
    // frees the native parser at once. The garbage collector frees them.
    this.client.off('data', this.fromClient);
    this.client.off('end', this.close);
    this.client.off('close', this.close);
    this.client.off('error', this.close);
  }
}
