import * as https from 'node:https';
import * as tls from 'node:tls';
import { endpointOf, RawResponse } from '../../support/http.client';
import { Issued, Pki } from './pki';

/** One HTTPS request to the proxy at `url` (tcp://127.0.0.1:PORT) with `client`'s certificate. */
export function httpsRequest(url: string, pki: Pki, client: Issued | undefined, path: string): Promise<RawResponse> {
  const { host, port } = endpointOf(url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host, port, path, method: 'GET', ca: pki.ca, cert: client?.cert, key: client?.key, agent: false, timeout: 2_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** What a raw TLS client got: the negotiated protocol, or the error that ended the handshake. */
export interface HandshakeResult {
  protocol?: string | null;
  answer: string;
  error?: string;
}

/**
 * Connects with `options`, sends a plain `GET /_ping` and collects whatever comes back. A refused
 * client sees an error (an alert from the server) and no HTTP answer at all.
 */
export function tryHandshake(url: string, options: tls.ConnectionOptions): Promise<HandshakeResult> {
  const { host, port } = endpointOf(url);
  return new Promise((resolve) => {
    const result: HandshakeResult = { answer: '' };
    const socket = tls.connect({ host, port, ...options });
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.once('secureConnect', () => {
      result.protocol = socket.getProtocol();
      socket.write('GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', (c: Buffer) => (result.answer += c.toString()));
    socket.on('error', (err) => (result.error = err.message));
    socket.on('close', () => resolve(result));
  });
}
