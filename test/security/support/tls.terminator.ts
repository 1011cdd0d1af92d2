import * as net from 'node:net';
import * as tls from 'node:tls';
import { Pki } from './pki';

export interface TlsTerminator {
  port: number;
  /** TLS connections accepted (client certificate verified) so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A stand-in for a dockerd TLS listener (dockerd cannot add one without a restart): a TLS server
 * on 127.0.0.1 that requires a client certificate signed by the test CA and pipes every
 * connection, half-close included, to dockerd's own unix socket.
 */
export function startTlsTerminator(pki: Pki, dockerSocket = '/var/run/docker.sock'): Promise<TlsTerminator> {
  let accepted = 0;
  const open = new Set<net.Socket>();
  const server = tls.createServer(
    { cert: pki.server.cert, key: pki.server.key, ca: pki.ca, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true, minVersion: 'TLSv1.2' },
    (client) => {
      accepted += 1;
      const upstream = net.connect({ path: dockerSocket, allowHalfOpen: true });
      for (const s of [client, upstream]) {
        open.add(s);
        s.on('error', () => (s === client ? upstream : client).destroy());
        s.on('close', () => {
          open.delete(s);
          (s === client ? upstream : client).destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    },
  );
  // With a listener Node leaves the socket to us; allowHalfOpen would keep it open forever.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  // Raw connections too: one a client gave up on mid-handshake stays half-open otherwise.
  server.on('connection', (raw: net.Socket) => {
    open.add(raw);
    raw.once('close', () => open.delete(raw));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        accepted: () => accepted,
        close: () =>
          new Promise<void>((r) => {
            for (const s of open) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
