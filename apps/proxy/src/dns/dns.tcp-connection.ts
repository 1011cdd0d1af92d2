import * as net from 'node:net';

/** Answers one DNS message; undefined means no reply (the query is dropped). Never rejects. */
export type DnsAnswerer = (message: Buffer) => Promise<Buffer | undefined>;

const LENGTH_BYTES = 2;

/**
 * DNS over one TCP connection (RFC 1035 §4.2.2 framing, RFC 7766 §6.2.1 pipelining): up to
 * `pipeline` queries are answered at once, replies in completion order. Reading pauses while that
 * many are pending or while the peer is not reading our replies (write backpressure), so what one
 * connection holds is bounded: one partial message (at most 65,537 bytes) plus one read chunk.
 * Each received byte is copied at most once.
 */
export class DnsTcpConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending = 0;
  private blocked = false;

  constructor(
    private readonly conn: net.Socket,
    private readonly answer: DnsAnswerer,
    private readonly pipeline: number,
  ) {
    conn.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.pump();
    });
    conn.on('drain', () => {
      this.blocked = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.blocked && this.pending < this.pipeline && !this.conn.destroyed) {
      const message = this.nextMessage();
      if (!message) break;
      this.dispatch(message);
    }
    if (this.blocked || this.pending >= this.pipeline) this.conn.pause();
    else this.conn.resume();
  }

  private dispatch(message: Buffer): void {
    this.pending++;
    void this.answer(message).then((reply) => {
      this.pending--;
      if (reply && !this.conn.destroyed) this.write(reply);
      this.pump();
    });
  }

  private write(reply: Buffer): void {
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt16BE(reply.length);
    if (!this.conn.write(Buffer.concat([length, reply]))) this.blocked = true;
  }

  private nextMessage(): Buffer | undefined {
    if (this.buffered < LENGTH_BYTES) return undefined;
    const length = this.peekLength();
    if (this.buffered < LENGTH_BYTES + length) return undefined;
    return this.take(LENGTH_BYTES + length).subarray(LENGTH_BYTES);
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= LENGTH_BYTES) return first.readUInt16BE(0);
    return (first[0] << 8) | this.chunks[1][0];
  }

  // The first `n` buffered bytes, removed from the buffer; a copy only when they span chunks.
  private take(n: number): Buffer {
    const first = this.chunks[0];
    this.buffered -= n;
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const chunk = this.chunks.shift() as Buffer;
      if (chunk.length > need) this.chunks.unshift(chunk.subarray(need));
      parts.push(chunk.subarray(0, need));
      need -= Math.min(need, chunk.length);
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }
}
