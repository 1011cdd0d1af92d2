import type { OnReadOpts } from 'node:net';
import { Duplex } from 'node:stream';
import { writeOrPause } from '../raw.stream';

const ENDS = ['end', 'close', 'error'];

/** One read from dockerd brings up to this much (Node's own reads: up to 64 KiB, each a new Buffer). */
export const READ_BYTES = 256 * 1024;

/**
 * The buffer every link reads into (plain connections; a TLS one reads as usual). A read is handed
 * on synchronously, so one buffer serves every link in turn; one that a consumer still holds after
 * the hand-on (a write queued behind a slow client) is left to it, and the next read gets a new
 * one. No Buffer per read: less garbage between collections, a lower peak under streams.
 */
let shared: Buffer | undefined;

/** Opens a connection to dockerd; `onread` (Node's `net.connect` option) where it can be used. */
export type DockerConnect = (onread?: OnReadOpts) => Duplex;

/**
 * A raw session's connection to dockerd: opened on the first byte to send, reopened after
 * dockerd closed it between requests, never left half-open. dockerd's bytes go to `onData`,
 * which may keep them only in `client`'s write queue (`holds` says whether it did);
 * `onGone` hears that the current connection ended or failed (not one replaced since).
 */
export class DockerLink {
  private socket?: Duplex;
  private unwatch = (): void => {};
  private sink: (chunk: Buffer) => void;

  constructor(
    private readonly connect: DockerConnect,
    onData: (chunk: Buffer) => void,
    private readonly onGone: () => void,
    private readonly holds: () => boolean,
  ) {
    this.sink = onData;
  }

  /** The connection now, if one is open. */
  get current(): Duplex | undefined {
    return this.socket;
  }

  /** Sends `chunk`, connecting first if needed; a full socket pauses `from` until it drains. */
  write(chunk: Buffer, from: Duplex): void {
    writeOrPause(this.socket ?? this.open(), chunk, from);
  }

  destroy(): void {
    this.socket?.destroy();
  }

  /**
   * Hands the connection over (a hijack): no longer watched here, and what it reads comes out as
   * its own `data` events (copies), as from any socket, for a pipe to take.
   */
  release(): Duplex | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.unwatch();
    if (socket) this.sink = (chunk) => socket.emit('data', Buffer.from(chunk));
    return socket;
  }

  private open(): Duplex {
    const socket = this.connect({ buffer: () => (shared ??= Buffer.allocUnsafe(READ_BYTES)), callback: this.read });
    this.socket = socket;
    const data = (chunk: Buffer): void => this.sink(chunk); // a TLS connection reads as usual
    socket.on('data', data);
    const gone = (): void => {
      socket.destroy();
      if (socket !== this.socket) return;
      this.socket = undefined;
      this.onGone();
    };
    for (const event of ENDS) socket.on(event, gone);
    this.unwatch = () => {
      socket.off('data', data);
      ENDS.forEach((event) => socket.off(event, gone));
    };
    return socket;
  }

  private readonly read = (n: number, buffer: Uint8Array): boolean => {
    this.sink(Buffer.from(buffer.buffer, buffer.byteOffset, n));
    if (this.holds()) shared = undefined;
    return true; // backpressure is the consumer's: it pauses the socket
  };
}
