import { ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { DomainError, ERRORS, isDomainError } from '@app/common';

/**
 * Errors the proxy itself answers on the Docker API surface, in dockerd's own shape
 * (`{"message": "..."}`), which the docker CLI prints as `Error response from daemon: <message>`.
 * Unknown errors never leak internals: they become a generic 500.
 */
export function dockerErrorBody(err: unknown): { status: number; message: string } {
  if (isDomainError(err)) return { status: err.status, message: err.message };
  return { status: 500, message: 'weave proxy: internal error (see the proxy log)' };
}

export function replyDockerError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function replyError(res: ServerResponse, err: unknown): void {
  const { status, message } = dockerErrorBody(err);
  replyDockerError(res, status, message);
}

/** The same answer written on a raw socket (an upgrade request that failed before hijacking). */
export function writeSocketError(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message }) + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A body too large for an intercepted route. */
export class BodyTooLargeError extends DomainError {
  constructor(limit: number) {
    super(ERRORS.WPX_BODY_TOO_LARGE, `request body exceeds the proxy's limit of ${limit} bytes for this endpoint`);
  }
}
