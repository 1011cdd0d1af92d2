import { IncomingHttpHeaders } from 'node:http';

/**
 * Finds where a request's declared body ends in the bytes that follow its head, as dockerd's
 * reader would: `Transfer-Encoding: chunked` (chunks, the last `0` chunk and its trailers), else
 * `Content-Length`, else no body. Used for hijack requests, whose body Node leaves unparsed: what
 * follows the body is the raw stream and must not reach dockerd in the same request framing.
 */
export class BodyFramer {
  private remaining: number;
  private readonly chunked: boolean;
  private state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';
  private line = '';

  constructor(headers: IncomingHttpHeaders) {
    this.chunked = /(?:^|,)\s*chunked\s*$/i.test(String(headers['transfer-encoding'] ?? ''));
    this.remaining = this.chunked ? 0 : Number(headers['content-length'] ?? 0) || 0;
    this.state = this.chunked ? 'size' : this.remaining > 0 ? 'data' : 'done';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * How many bytes of `chunk` (from its start) still belong to the body; the rest follows it.
   * Throws on a malformed chunk size.
   */
  consume(chunk: Buffer): number {
    let i = 0;
    while (i < chunk.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, chunk.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.chunked ? 'data-crlf' : 'done';
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      const end = nl < 0 ? chunk.length : nl + 1;
      this.line += chunk.toString('latin1', i, end);
      i = end;
      if (nl >= 0) this.endOfLine();
    }
    return i;
  }

  private endOfLine(): void {
    const line = this.line.replace(/\r?\n$/, '');
    this.line = '';
    if (this.state === 'data-crlf') {
      this.state = 'size';
    } else if (this.state === 'size') {
      const m = /^([0-9a-fA-F]{1,15})\s*(?:;.*)?$/.exec(line);
      if (!m) throw new Error('malformed chunk size');
      this.remaining = parseInt(m[1], 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
    } else if (this.state === 'trailer' && line === '') {
      this.state = 'done';
    }
  }
}
