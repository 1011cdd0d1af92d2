import { isHijack } from '../hijack.answer';
import { FramingHeaders, framingHeaders, HEADERS_COMPLETE, HeadInfo, HttpParser, HTTPParser, newParser } from './llhttp';

/** What `AnswerFramer` reports about dockerd's answer to the request in flight. */
export interface AnswerEvents {
  /** The final answer's status line and headers are in (1xx interim answers are not reported). */
  head(status: number, keepAlive: boolean): void;
  /**
   * dockerd hijacked the connection (a `101`, or a raw stream without framing), or (with
   * `unframedIsStream`) answered without framing at all: bytes only from now.
   */
  hijacked(): void;
  /** The final answer's body has ended; the connection can carry the next request. */
  complete(): void;
}

/**
 * Finds where each of dockerd's answers ends on a connection whose bytes are relayed as they come
 * (RFC 9112 section 6.3), with llhttp in response mode: by `Content-Length`, chunked framing,
 * no body (1xx, 204, 304, an answer to `HEAD`) or dockerd's EOF. The bytes are never copied or
 * re-encoded; `execute` only reads them.
 */
export class AnswerFramer {
  private readonly parser: HttpParser;
  private method: string | undefined;
  private status = 0;
  private tunnel = false;

  /**
   * `unframedIsStream`: an answer with neither `Content-Length` nor chunked framing (it lasts until
   * dockerd's EOF) counts as a hijack, as it must on a request dockerd may hijack.
   */
  constructor(
    private readonly events: AnswerEvents,
    private readonly unframedIsStream = false,
  ) {
    this.parser = newParser(HTTPParser.RESPONSE, 0, (head) => this.onHead(head));
    this.parser[HTTPParser.kOnMessageComplete] = (): void => this.onComplete();
  }

  /** The next answer is to a request with this method (`HEAD` answers have no body). */
  expect(method: string | undefined): void {
    this.method = method;
    this.status = 0;
  }

  /** Reads `chunk` (already relayed); an Error when dockerd's bytes are not HTTP. */
  execute(chunk: Buffer): Error | undefined {
    if (this.tunnel) return undefined;
    const ret = this.parser.execute(chunk);
    return ret instanceof Error ? ret : undefined;
  }

  /** dockerd closed: ends an answer that lasts until EOF; an Error when one was cut short. */
  finish(): Error | undefined {
    if (this.tunnel) return undefined;
    return this.parser.finish() ?? undefined;
  }

  private onHead(head: HeadInfo): number {
    if (head.status < 200 && head.status !== 101) return HEADERS_COMPLETE.continue;
    this.status = head.status;
    this.events.head(head.status, head.keepAlive);
    const headers = framingHeaders(head.headers);
    if (isHijack(head.status, headers) || (this.unframedIsStream && unframed(head.status, headers))) {
      this.tunnel = true;
      this.events.hijacked();
      return HEADERS_COMPLETE.upgrade;
    }
    return this.method === 'HEAD' ? HEADERS_COMPLETE.skipBody : HEADERS_COMPLETE.continue;
  }

  private onComplete(): void {
    // An interim answer (100 Continue) is followed by the final one on the same request.
    if (this.status === 0 || this.tunnel) return;
    this.status = 0;
    this.events.complete();
  }
}

/** An answer whose body lasts until EOF (RFC 9112 section 6.3, item 8). */
function unframed(status: number, headers: FramingHeaders): boolean {
  if (status === 204 || status === 304) return false;
  const te = headers['transfer-encoding'];
  return te === undefined ? headers['content-length'] === undefined : !/(?:^|,)\s*chunked\s*$/i.test(te);
}
