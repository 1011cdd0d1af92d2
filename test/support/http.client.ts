import * as http from 'node:http';

/** dockerd's own socket, as a Docker host URL. */
export const DOCKER_SOCKET_URL = 'unix:///var/run/docker.sock';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequestOptions {
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  timeoutMs?: number;
}

/**
 * Where a Docker host URL (`tcp://host:port` or `unix:///abs/path`) points, as `http.request`
 * options.
 */
export function endpointOf(hostUrl: string): { host?: string; port?: number; socketPath?: string } {
  const url = new URL(hostUrl);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    return { host: url.hostname, port: Number(url.port) };
  }
  throw new Error(`unsupported Docker host URL: ${hostUrl}`);
}

/**
 * One HTTP request on its own connection (no keep-alive agent, so the tests leave no idle
 * connection behind in dockerd), the whole response body collected as a Buffer.
 */
export function rawRequest(
  hostUrl: string,
  method: string,
  path: string,
  opts: RawRequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...opts.headers };
    if (opts.body !== undefined && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
    const req = http.request(
      { ...endpointOf(hostUrl), method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`${method} ${path} on ${hostUrl}: no answer in time`)),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A request to dockerd itself that must succeed (2xx); answers the parsed JSON body, if any. */
export async function dockerApi<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await rawRequest(DOCKER_SOCKET_URL, method, path, {
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`dockerd ${method} ${path}: ${res.status} ${res.body.toString()}`);
  }
  return (res.body.length > 0 ? JSON.parse(res.body.toString()) : undefined) as T;
}
