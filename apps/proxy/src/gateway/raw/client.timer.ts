import { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** The client-side deadlines of a raw session (the HTTP server's, see `httpServerOptions`). */
export interface RawTimeouts {
  /** An idle connection between requests is closed after this long without a byte. */
  keepAliveMs: number;
  /** A request head must be whole this long after its first byte (slow-header clients). */
  headersMs: number;
}

/**
 * The deadlines Node's HTTP server keeps for a connection, kept for one it no longer reads:
 * keep-alive idleness between requests, the whole-head deadline while a head comes in, none
 * while a request is in flight (uploads and streams last as long as they need). The idle timer
 * is the socket's own inactivity timer, armed once: it fires `keepAliveMs` after the last byte
 * either way and is ignored unless `idle()` says so (the socket re-arms it on its next byte), so
 * a request costs no timer of its own.
 */
export class ClientTimer {
  private deadline?: NodeJS.Timeout;
  private readonly onInactive = (): void => {
    if (this.idle()) this.expire();
  };

  constructor(
    private readonly client: Duplex,
    private readonly timeouts: RawTimeouts,
    private readonly idle: () => boolean,
    private readonly expire: () => void,
  ) {
    (client as Partial<Socket>).setTimeout?.(timeouts.keepAliveMs);
    client.on('timeout', this.onInactive);
  }

  /** Bytes of a request head arrived and not all of it: the first starts the head deadline. */
  headStarted(): void {
    this.deadline ??= setTimeout(this.expire, this.timeouts.headersMs).unref();
  }

  /** A whole head arrived. */
  headDone(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    this.headDone();
    (this.client as Partial<Socket>).setTimeout?.(0);
    this.client.off('timeout', this.onInactive);
  }
}
