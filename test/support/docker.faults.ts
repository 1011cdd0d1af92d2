import * as net from 'node:net';
import { freePort } from './proxy.harness';

/**
 * What happens to a request that matches a rule: `stall` holds the request back (dockerd never
 * sees it until `release()`), `fail` answers 500 without asking dockerd, `hold-response` forwards
 * the request but holds dockerd's answer until `release()` (dockerd acted at once, the client
 * learns of it later).
 */
export type FaultAction = 'stall' | 'fail' | 'hold-response';

export interface FaultRule {
  /** Tested against the request line without the API version: `GET /containers/<id>/json?x=1`. */
  readonly match: RegExp;
  readonly action: FaultAction;
  /** How many more requests it applies to. */
  remaining: number;
  /** How many requests it applied to so far. */
  hits: number;
}

/**
 * A TCP front for dockerd's socket that injects faults on demand: give its `url` to a proxy as
 * `-H`. Every connection is relayed byte for byte; request heads are parsed (Content-Length
 * bodies follow their head; a chunked or upgraded request turns its connection into a plain pipe)
 * so that single requests can be stalled, failed or answered late. Like the event dropper, it
 * fakes nothing of Docker itself: everything that is let through reaches the real dockerd.
 */
export interface DockerFaults {
  /** `tcp://127.0.0.1:<port>`. */
  readonly url: string;
  add(match: RegExp, action: FaultAction, times?: number): FaultRule;
  /** Requests being stalled right now. */
  readonly stalled: number;
  /** Removes every rule, forwards the stalled requests and the held answers. */
  release(): void;
  close(): Promise<void>;
}

export const INJECTED_500 = '{"message":"injected fault: dockerd answered 500"}\n';
const FAIL_RESPONSE =
  'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${Buffer.byteLength(INJECTED_500)}\r\n\r\n${INJECTED_500}`;

export async function startDockerFaults(dockerSocket = '/var/run/docker.sock'): Promise<DockerFaults> {
  const port = await freePort();
  const rules: FaultRule[] = [];
  const relays = new Set<Relay>();
  const ruleFor = (line: string): FaultRule | undefined => {
    const rule = rules.find((r) => r.remaining > 0 && r.match.test(line));
    if (rule) {
      rule.remaining--;
      rule.hits++;
    }
    return rule;
  };
  const server = net.createServer((client) => {
    const relay = new Relay(client, net.connect(dockerSocket), ruleFor, () => relays.delete(relay));
    relays.add(relay);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `tcp://127.0.0.1:${port}`,
    add: (match, action, times = Infinity) => {
      const rule: FaultRule = { match, action, remaining: times, hits: 0 };
      rules.push(rule);
      return rule;
    },
    get stalled() {
      return [...relays].filter((r) => r.stalling).length;
    },
    release: () => {
      rules.length = 0;
      for (const r of relays) r.release();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of relays) r.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One client connection and its connection to dockerd. */
class Relay {
  private buf = Buffer.alloc(0);
  private body = 0;
  private raw = false;
  private stalledHead?: Buffer;
  private holding = false;
  private held: Buffer[] = [];

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    private readonly ruleFor: (line: string) => FaultRule | undefined,
    private readonly onClose: () => void,
  ) {
    client.on('data', (data: Buffer) => {
      this.buf = Buffer.concat([this.buf, data]);
      this.pump();
    });
    upstream.on('data', (data: Buffer) => (this.holding ? this.held.push(data) : client.write(data)));
    const close = (): void => this.destroy();
    client.on('end', () => upstream.end()).on('error', close).on('close', close);
    upstream.on('end', () => client.end()).on('error', close).on('close', close);
  }

  get stalling(): boolean {
    return this.stalledHead !== undefined;
  }

  release(): void {
    if (this.holding) {
      this.holding = false;
      for (const d of this.held.splice(0)) this.client.write(d);
    }
    const head = this.stalledHead;
    if (head) {
      this.stalledHead = undefined;
      this.upstream.write(head);
      this.pump();
    }
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.onClose();
  }

  // Forwards whole requests; stops at a stalled one until release().
  private pump(): void {
    while (this.buf.length > 0 && !this.stalledHead) {
      if (this.raw || this.body > 0) {
        const n = this.raw ? this.buf.length : Math.min(this.body, this.buf.length);
        this.upstream.write(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        if (!this.raw) this.body -= n;
        continue;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end + 4);
      this.buf = this.buf.subarray(end + 4);
      this.request(head);
    }
  }

  private request(head: Buffer): void {
    const text = head.toString('latin1');
    this.body = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1] ?? 0);
    this.raw = /\r\n(transfer-encoding:\s*chunked|upgrade:)/i.test(text);
    const line = text.slice(0, text.indexOf('\r\n')).replace(/^(\S+) \/v[0-9.]+\//, '$1 /');
    const rule = this.ruleFor(line);
    if (rule?.action === 'fail' && this.body === 0 && !this.raw) {
      this.client.write(FAIL_RESPONSE);
      return;
    }
    if (rule?.action === 'stall') {
      this.stalledHead = head;
      return;
    }
    if (rule?.action === 'hold-response') this.holding = true;
    this.upstream.write(head);
  }
}
