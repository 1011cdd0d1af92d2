import * as net from 'node:net';
import * as tls from 'node:tls';
import { DockerClient } from '@app/docker';

/**
 * A connection of its own to dockerd (unix socket, TCP or TLS as configured), half-open allowed
 * so that each direction of a stream ends on its own EOF. Writes before it is up are queued;
 * listen for `connect` (`secureConnect` over TLS) to know it is. `onread` (reads into a buffer of
 * the caller's, no `data` events) is used on plain connections only.
 */
export function connectToDocker(docker: DockerClient, onread?: net.OnReadOpts): net.Socket {
  const { socketPath, host, port, tls: secure } = docker.endpoint;
  if (secure) {
    // No servername: Node sends SNI only for names and checks an IP against the IP SANs.
    const socket = tls.connect({ host, port, ...docker.tlsFiles });
    socket.allowHalfOpen = true;
    return socket;
  }
  const socket = socketPath
    ? net.connect({ path: socketPath, allowHalfOpen: true, onread })
    : net.connect({ host: host as string, port: port as number, allowHalfOpen: true, onread });
  socket.setNoDelay(true);
  return socket;
}
