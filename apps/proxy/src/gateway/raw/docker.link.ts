import { Duplex } from 'node:stream';
import { writeOrPause } from '../raw.stream';

const ENDS = ['end', 'close', 'error'];

/**
 * A raw session's connection to dockerd: opened on the first byte to send, reopened after
 * dockerd closed it between requests, never left half-open. dockerd's bytes go to `onData`;
 * `onGone` hears that the current connection ended or failed (not one replaced since).
 */
export class DockerLink {
  private socket?: Duplex;
  private unwatch = (): void => {};

  constructor(
    private readonly connect: () => Duplex,
    private readonly onData: (chunk: Buffer) => void,
    private readonly onGone: () => void,
  ) {}

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

  /** Hands the connection over (a hijack): no longer read or watched here. */
  release(): Duplex | undefined {
    const socket = this.socket;
    this.socket = undefined;
    socket?.off('data', this.onData);
    this.unwatch();
    return socket;
  }

  private open(): Duplex {
    const socket = this.connect();
    this.socket = socket;
    socket.on('data', this.onData);
    const gone = (): void => {
      socket.destroy();
      if (socket !== this.socket) return;
      this.socket = undefined;
      this.onGone();
    };
    for (const event of ENDS) socket.on(event, gone);
    this.unwatch = () => ENDS.forEach((event) => socket.off(event, gone));
    return socket;
  }
}
