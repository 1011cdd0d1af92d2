import { ERRORS, InvalidInputError } from '@app/common';

/** Where dockerd listens: a unix socket or a TCP host:port (optionally TLS, see `tls`). */
export interface DockerEndpoint {
  readonly url: string;
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
  readonly tls: boolean;
}

/**
 * Parses `unix:///var/run/docker.sock`, `tcp://host:2375` (and `https://`/`tcp://` with tls set by
 * the caller). Throws InvalidInputError naming the value otherwise.
 */
export function parseDockerEndpoint(url: string, tls = false): DockerEndpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new InvalidInputError(ERRORS.WPX_BAD_DOCKER_HOST, `docker host "${url}": unix socket path must be absolute`);
    }
    return { url, socketPath, tls: false };
  }
  const m = /^(tcp|http|https):\/\/(\[[0-9a-fA-F:]+\]|[^:/\s]+)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) {
    throw new InvalidInputError(ERRORS.WPX_BAD_DOCKER_HOST, `docker host "${url}": expected unix:///path or tcp://host:port`);
  }
  const secure = tls || m[1] === 'https';
  const port = m[3] ? Number(m[3]) : secure ? 2376 : 2375;
  if (port < 1 || port > 65535) {
    throw new InvalidInputError(ERRORS.WPX_BAD_DOCKER_HOST, `docker host "${url}": port out of range`);
  }
  return { url, host: m[2].replace(/^\[|\]$/g, ''), port, tls: secure };
}
