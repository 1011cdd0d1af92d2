import { IncomingMessage } from 'node:http';
import { relayResponse, ResponseHook } from '../pass-through.proxy';

/**
 * An `onResponse` hook that rewrites dockerd's answer whole when its status is `status` (a JSON
 * body of a few KiB: an inspect, a change list, a create's `{Id, Warnings}`), with the
 * `Content-Length` of the new body and dockerd's other headers. Any other status passes
 * unchanged; a `rewrite` that throws leaves dockerd's body as it was.
 */
export function rewriteAnswer(status: number, rewrite: (raw: Buffer) => Buffer | Promise<Buffer>): ResponseHook {
  return async (upstream, res) => {
    if (upstream.statusCode !== status) return relayResponse(upstream, res);
    const raw = await readAll(upstream);
    const body = await Promise.resolve()
      .then(() => rewrite(raw))
      .catch(() => raw);
    const headers = { ...upstream.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(status, headers);
    res.end(body);
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}
