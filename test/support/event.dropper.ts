import * as net from 'node:net';
import { freePort } from './proxy.harness';

/**
 * A TCP front for dockerd's socket that can swallow events: give its `url` to a proxy as `-H`.
 * Every connection is relayed byte for byte, except that while `dropping` is on, the chunks of any
 * `GET /events` response are discarded whole (the chunked framing stays valid, so the client sees
 * a healthy, silent stream: no error, no reconnect). That is how Docker loses events in the field
 * (weave #2016): the stream stays up, the event never arrives.
 */
export interface EventDropper {
  /** `tcp://127.0.0.1:<port>`. */
  readonly url: string;
  dropping: boolean;
  /** How many event chunks were swallowed so far. */
  readonly dropped: number;
  /** How many connections carried a `GET /events` request so far. */
  readonly eventStreams: number;
  close(): Promise<void>;
}

const EVENTS_REQUEST = /(^|\r\n)GET (\/v[0-9.]+)?\/events[?\s]/;

export async function startEventDropper(dockerSocket = '/var/run/docker.sock'): Promise<EventDropper> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const state = { dropping: false, dropped: 0, eventStreams: 0 };

  const server = net.createServer((client) => {
    const upstream = net.connect(dockerSocket);
    sockets.add(client).add(upstream);
    let events: ChunkFilter | undefined;
    client.on('data', (data: Buffer) => {
      if (!events && EVENTS_REQUEST.test(data.toString('latin1'))) {
        events = new ChunkFilter(() => state.dropping, () => state.dropped++);
        state.eventStreams++;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      const out = events ? events.push(data) : data;
      if (out.length > 0) client.write(out);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('end', () => upstream.end()).on('error', close).on('close', close);
    upstream.on('end', () => client.end()).on('error', close).on('close', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    url: `tcp://127.0.0.1:${port}`,
    get dropping() {
      return state.dropping;
    },
    set dropping(on: boolean) {
      state.dropping = on;
    },
    get dropped() {
      return state.dropped;
    },
    get eventStreams() {
      return state.eventStreams;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Passes an HTTP response through: the head as it is, then each chunk of a chunked body whole,
 * or not at all while `drop()` says so. A body that is not chunked passes untouched.
 */
class ChunkFilter {
  private buf = Buffer.alloc(0);
  private inBody = false;
  private chunked = true;

  constructor(
    private readonly drop: () => boolean,
    private readonly onDrop: () => void,
  ) {}

  push(data: Buffer): Buffer {
    if (!this.chunked) return data;
    this.buf = Buffer.concat([this.buf, data]);
    const out: Buffer[] = [];
    if (!this.inBody) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return Buffer.alloc(0);
      const head = this.buf.subarray(0, end + 4);
      out.push(head);
      this.buf = this.buf.subarray(end + 4);
      this.inBody = true;
      if (!/transfer-encoding:\s*chunked/i.test(head.toString('latin1'))) {
        this.chunked = false;
        out.push(this.buf);
        return Buffer.concat(out);
      }
    }
    for (;;) {
      const lineEnd = this.buf.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(this.buf.subarray(0, lineEnd).toString('latin1'), 16);
      const total = lineEnd + 2 + size + 2;
      if (Number.isNaN(size) || this.buf.length < total) break;
      const chunk = this.buf.subarray(0, total);
      this.buf = this.buf.subarray(total);
      if (size > 0 && this.drop()) this.onDrop();
      else out.push(chunk);
    }
    return Buffer.concat(out);
  }
}
