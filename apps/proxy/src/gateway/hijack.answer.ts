import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

// dockerd's content types for a hijacked stream (multiplexed-stream from API 1.42 on).
const RAW_STREAM = /^application\/vnd\.docker\.(?:raw|multiplexed)-stream\b/i;

/**
 * Whether dockerd's answer hijacked the connection: a `101`, or (exec start and attach without
 * `Upgrade`) a raw-stream content type with no HTTP body framing: moby writes
 * `HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n` on the hijacked
 * connection, then raw bytes. `GET /logs` has the same content type but is chunked: not a hijack.
 */
export function isHijackAnswer(answer: IncomingMessage): boolean {
  return isHijack(answer.statusCode ?? 0, answer.headers);
}

/** `isHijackAnswer` on a status and lower-cased header names. */
export function isHijack(status: number, h: Record<string, string | string[] | undefined>): boolean {
  if (status === 101) return true;
  return RAW_STREAM.test(String(h['content-type'] ?? '')) && h['transfer-encoding'] === undefined && h['content-length'] === undefined;
}

/** dockerd's status line and headers, in its order and spelling, ending with the blank line. */
export function answerHead(answer: IncomingMessage): string {
  let head = `HTTP/${answer.httpVersion} ${answer.statusCode} ${answer.statusMessage}\r\n`;
  const raw = answer.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head + '\r\n';
}

// The listeners Node's HTTP server puts on a connection (socketOnData, socketOnEnd, ...).
const SERVER_LISTENER = /\bsocketOn[A-Z]/;
const SERVER_EVENTS = ['data', 'end', 'error', 'drain', 'timeout'];

/**
 * Takes a client connection away from Node's HTTP server after a request was answered with a
 * hijack, as Node does itself before it emits `upgrade`: what the client sends next is stdin,
 * not another request, and its EOF is a half-close, not the end of the connection. Node offers no
 * API for this on the `request` path: adding a `data` listener makes its parser stop reading the
 * socket natively (Node's own hook), then its listeners are removed. Bytes the client sent before
 * dockerd's answer was in are already parsed as a request: stdin must follow the answer.
 */
export function detachFromHttpServer(socket: Duplex): void {
  socket.on('error', () => undefined);
  const probe = (): void => undefined;
  socket.on('data', probe);
  socket.off('data', probe);
  for (const event of SERVER_EVENTS) {
    for (const l of socket.listeners(event)) {
      if (SERVER_LISTENER.test(l.name)) socket.removeListener(event, l as (...args: unknown[]) => void);
    }
  }
  (socket as Duplex & { setTimeout?: (ms: number) => void }).setTimeout?.(0);
}

/**
 * Gives a connection that Node's HTTP server handed over as an upgrade back to that server, for
 * a request that dockerd did not hijack after all, or one a raw session does not relay: `held`
 * (what the client sent after that request) is read first, as the start of its next request.
 * The server's connection event is emitted again (`secureConnection` on a TLS server, whose
 * `connection` is the TCP socket before the handshake), so that Node sets the connection up as
 * new (a parser, its timeouts) and so do the listener's own hooks; a connection with no server to
 * go back to is closed.
 */
export function returnToHttpServer(socket: Duplex, held: Buffer): void {
  const server = (socket as Duplex & { server?: Server }).server;
  if (!server || socket.destroyed) {
    socket.end();
    return;
  }
  if (held.length) socket.unshift(held);
  server.emit(server instanceof tls.Server ? 'secureConnection' : 'connection', socket);
  socket.resume();
}
