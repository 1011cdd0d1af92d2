import { Duplex } from 'node:stream';

/**
 * The largest request head (request line plus headers) a listener accepts: dockerd's, i.e. Go's
 * net/http default `http.DefaultMaxHeaderBytes` (1 MiB) plus the 4096 bytes of slack its reader
 * allows (`initialReadLimitSize`). Clients hit Node's 16 KiB default with long `--filter`s,
 * `--build-arg`s and `X-Registry-Config` holding many saved logins.
 */
export const MAX_REQUEST_HEAD_BYTES = (1 << 20) + 4096;

const ERROR_HEADERS = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

/**
 * What dockerd (Go's net/http server, `conn.serve`) writes for a request it cannot read, given
 * Node's parser error code; undefined when Go answers nothing and just closes (a read error, a
 * reset, a timeout). Shapes: `HTTP/1.1 431 Request Header Fields Too Large`, `HTTP/1.1 501 Not
 * Implemented` (unknown transfer coding), `HTTP/1.1 400 Bad Request`, each with a text/plain body
 * repeating the status and `Connection: close`.
 */
export function goClientErrorAnswer(code: string | undefined): string | undefined {
  if (!code || !code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return answer('431 Request Header Fields Too Large');
  if (code === 'HPE_INVALID_TRANSFER_ENCODING') return `HTTP/1.1 501 Not Implemented${ERROR_HEADERS}Unsupported transfer encoding`;
  return answer('400 Bad Request');
}

function answer(status: string): string {
  return `HTTP/1.1 ${status}${ERROR_HEADERS}${status}`;
}

/**
 * Answers a broken request like dockerd does, then closes that one connection. The socket is
 * destroyed after the answer is flushed (or at once when there is nothing to say or it cannot be
 * written): a client that sent garbage never keeps a parser or a socket.
 */
export function replyClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const text = goClientErrorAnswer(err.code);
  if (!text || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(text, () => socket.destroy());
  // A client that does not read its answer must not hold the socket.
  setTimeout(() => socket.destroy(), 1_000).unref();
}
