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
 * while a request is in flight (uploads and streams last as long as they need).
 */
export class ClientTimer {
  private deadline?: NodeJS.Timeout;

  constructor(
    private readonly client: Duplex,
    private readonly timeouts: RawTimeouts,
    private readonly expire: () => void,
  ) {
    client.on('timeout', expire);
  }

  /** Between requests. */
  idle(): void {
    this.clearDeadline();
    this.setIdle(this.timeouts.keepAliveMs);
  }

  /** Bytes of a request head arrived; the first starts the head deadline. */
  headStarted(): void {
    if (this.deadline) return;
    // As Node's server: the keep-alive idleness ends with the first byte of the next request.
    this.setIdle(0);
    this.deadline = setTimeout(this.expire, this.timeouts.headersMs).unref();
  }

  /** A request is in flight. */
  busy(): void {
    this.clearDeadline();
    this.setIdle(0);
  }

  stop(): void {
    this.busy();
    this.client.off('timeout', this.expire);
  }

  private clearDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private setIdle(ms: number): void {
    (this.client as Partial<Socket>).setTimeout?.(ms);
  }
}
