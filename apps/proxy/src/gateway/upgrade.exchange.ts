import { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { BodyFramer } from './body.framing';
import { writeSocketError } from './docker-error.reply';
import { AnswerFramer } from './raw/answer.framer';
import { relayRaw } from './raw.stream';
import { RelayMeter } from './relay.meter';

/**
 * One `Upgrade` request (or exec start/attach announced as one, see `announceAsUpgrades`)
 * between a client connection and its own dockerd connection, up to the moment it becomes a raw
 * stream. dockerd receives the request head and its declared body (by `Content-Length` or
 * chunked framing) in one write, as from a direct client; client bytes after the body (stdin sent
 * early) are held until dockerd's answer head is back, so dockerd never reads them as part of
 * the request. dockerd's answer passes byte for byte. A hijack (`101`, or a raw stream without
 * framing) then flows raw both ways (`relayRaw`); any other answer (a `404`, a detached exec
 * start's `200`) ends with its framed body, and `httpAgain` gets the client connection back with
 * the bytes it sent after the request, for the HTTP server to read as its next request
 * (undefined: the client had already ended its side; dockerd's connection is closed after).
 * `onAnswer` gets the status of dockerd's answer once its head is in.
 */
export class UpgradeExchange {
  private readonly framer: BodyFramer;
  private readonly request: Buffer[];
  private readonly held: Buffer[] = [];
  private connected = false;
  private answered = false;
  private clientEnded = false;
  private readonly answers: AnswerFramer;
  /** Bytes of dockerd's answer already sent to the client (0: a 502 can still be written). */
  toClient = 0;

  constructor(
    req: IncomingMessage,
    private readonly client: Duplex,
    private readonly upstream: Duplex,
    private readonly meter: RelayMeter,
    private readonly httpAgain: (held: Buffer | undefined) => void = () => client.end(),
    private readonly onAnswer: (status: number) => void = () => {},
  ) {
    this.framer = new BodyFramer(req.headers);
    this.request = [Buffer.from(requestHead(req), 'latin1')];
    this.answers = new AnswerFramer(
      { head: (status) => this.onAnswer(status), hijacked: () => this.startStreaming(), complete: () => this.answerComplete() },
      true,
    );
    this.answers.expect(req.method);
  }

  /** Starts reading both sides; `head` is what Node read after the request head. */
  start(head: Buffer): void {
    this.client.on('data', this.fromClient);
    if (head.length) this.fromClient(head);
    this.upstream.on('data', this.fromUpstream);
    this.client.once('end', this.clientEnd);
    this.upstream.once('end', () => {
      if (!this.answered) this.client.end();
    });
  }

  /** The dockerd connection is up (TCP connect or TLS handshake done). */
  connectedToDocker(): void {
    this.connected = true;
    this.sendRequest();
  }

  private sendRequest(): void {
    if (!this.connected || !this.framer.done || this.request.length === 0) return;
    this.upstream.write(Buffer.concat(this.request.splice(0)));
  }

  private readonly clientEnd = (): void => {
    this.clientEnded = !this.answered;
  };

  private readonly fromClient = (c: Buffer): void => {
    this.meter.toDocker(c.length);
    let n = 0;
    try {
      n = this.framer.done ? 0 : this.framer.consume(c);
    } catch {
      writeSocketError(this.client, 400, 'weave proxy: malformed chunked request body');
      return;
    }
    if (n > 0) this.request.push(c.subarray(0, n));
    if (n < c.length) this.held.push(c.subarray(n));
    if (this.framer.done) this.client.pause();
    this.sendRequest();
  };

  /** dockerd's answer, relayed as it comes; llhttp says where a hijack starts or an answer ends. */
  private readonly fromUpstream = (c: Buffer): void => {
    this.forward(c);
    if (this.answers.execute(c)) this.client.destroy(); // not HTTP: nothing sensible to relay
  };

  /** An ordinary answer is through: the connection is HTTP again. */
  private answerComplete(): void {
    if (this.answered) return;
    this.answered = true;
    this.upstream.off('data', this.fromUpstream);
    this.client.off('data', this.fromClient);
    this.client.off('end', this.clientEnd);
    this.httpAgain(this.clientEnded ? undefined : Buffer.concat(this.held.splice(0)));
    this.upstream.destroy();
  }

  private forward(c: Buffer): void {
    if (c.length === 0) return;
    this.toClient += c.length;
    this.meter.toClient(c.length);
    this.client.write(c);
  }

  private startStreaming(): void {
    if (this.answered) return;
    this.answered = true;
    this.upstream.off('data', this.fromUpstream);
    this.client.off('data', this.fromClient);
    for (const b of this.held.splice(0)) this.upstream.write(b);
    relayRaw(this.client, this.upstream, this.upstream, this.meter, this.clientEnded);
  }
}

/** The client's request line and headers as it sent them (names in its spelling and order). */
export function requestHead(req: IncomingMessage): string {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head + '\r\n';
}
