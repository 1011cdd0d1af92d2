import * as http from 'node:http';
import { ListenAddress } from '../config/listen-address';
import { clearStaleSocket } from './unix-socket';

/**
 * Binds `server` to one listen address and resolves once it listens: a TCP host and port, or a
 * unix socket path (a stale socket file is removed first; a live one or a non-socket refuses the
 * start, WPX_LISTEN_IN_USE). Rejects with the bind error (EADDRINUSE, EACCES, EADDRNOTAVAIL).
 */
export async function bindServer(server: http.Server, addr: ListenAddress): Promise<void> {
  if (addr.kind === 'unix') await clearStaleSocket(addr.path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (addr.kind === 'tcp') server.listen(addr.port, addr.host, done);
    else server.listen(addr.path, done);
  });
}

/**
 * Closes listeners for shutdown: no new connections, idle keep-alive ones closed at once, and
 * whatever still streams (events, logs -f never end by themselves) cut after `graceMs`.
 */
export function closeServers(servers: http.Server[], graceMs = 1000): Promise<void> {
  const closeOne = (s: http.Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
      setTimeout(() => s.closeAllConnections(), graceMs).unref();
    });
  return Promise.all(servers.map(closeOne)).then(() => undefined);
}
