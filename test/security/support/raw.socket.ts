import * as fs from 'node:fs';
import * as net from 'node:net';

export interface RawExchange {
  /** Everything the server sent. */
  answer: string;
  /** The server ended or closed the connection (not our timeout). */
  closedByServer: boolean;
  /** ms from the first byte sent to the close. */
  ms: number;
}

/**
 * Sends `chunks` on a fresh TCP connection (a function chunk is awaited between writes, to stall)
 * and collects the answer until the server closes or `waitMs` passes.
 */
export function rawExchange(port: number, chunks: Array<string | Buffer | (() => Promise<void>)>, waitMs = 10_000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closedByServer, ms: Date.now() - started });
    });
    socket.once('connect', async () => {
      for (const c of chunks) {
        if (socket.destroyed) return;
        if (typeof c === 'function') await c();
        else socket.write(c);
      }
    });
  });
}

/** An HTTP/1.1 request as bytes. */
export function httpRequest(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: proxy', 'Connection: close'];
  if (body !== undefined && !headers['Transfer-Encoding']) lines.push(`Content-Length: ${payload.length}`, 'Content-Type: application/json');
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), payload]);
}

/** The status code of a raw answer, or 0 when there was none. */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** The JSON body of a raw (Content-Length) answer. */
export function jsonBodyOf(answer: string): unknown {
  const i = answer.indexOf('\r\n\r\n');
  return JSON.parse(answer.slice(i + 4));
}

/** Opens `n` TCP connections that send nothing; resolves once all are connected. */
export async function openIdle(port: number, n: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const opened = Array.from({ length: Math.min(batch, n - i) }, () => connected(port));
    sockets.push(...(await Promise.all(opened)));
  }
  return sockets;
}

function connected(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** A process's resident memory (VmRSS, bytes) and open file descriptors. */
export function processStats(pid: number): { rss: number; fds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return { rss: kb * 1024, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}
