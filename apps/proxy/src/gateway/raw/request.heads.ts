import { HEADERS_COMPLETE, HeadInfo, HttpParser, HTTPParser, newParser } from './llhttp';

/** A whole request head: what it says, its bytes as the client sent them, and what follows. */
export interface RequestHead {
  info: HeadInfo;
  bytes: Buffer;
  rest: Buffer;
}

/**
 * Finds request heads in a client's bytes with llhttp (request mode), stopping at the end of each
 * head: the gateway routes on it, and the body is framed by the caller. A head may come in many
 * pieces; they are kept until it is whole.
 */
export class RequestHeads {
  private readonly parser: HttpParser;
  private parts: Buffer[] = [];
  private parsed?: HeadInfo;

  constructor(private readonly maxHeadBytes: number) {
    this.parser = newParser(HTTPParser.REQUEST, maxHeadBytes, (head) => {
      this.parsed = head;
      return HEADERS_COMPLETE.upgrade; // llhttp stops right after the head and says where
    });
  }

  /** Whether part of a head has come and not the rest. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  /**
   * Reads `c`: a whole head, undefined while it is not whole yet, or the Error llhttp raised
   * (`unread` then holds every byte of this request so far, for a reader that answers it).
   */
  read(c: Buffer): RequestHead | undefined | { error: Error; unread: Buffer } {
    const ret = this.parser.execute(c);
    if (ret instanceof Error) return { error: ret, unread: Buffer.concat([...this.parts.splice(0), c]) };
    const info = this.parsed;
    if (!info) {
      this.parts.push(c);
      return undefined;
    }
    const bytes = this.parts.length ? Buffer.concat([...this.parts.splice(0), c.subarray(0, ret)]) : c.subarray(0, ret);
    this.parsed = undefined;
    this.parser.initialize(HTTPParser.REQUEST, {}, this.maxHeadBytes);
    return { info, bytes, rest: c.subarray(ret) };
  }
}
