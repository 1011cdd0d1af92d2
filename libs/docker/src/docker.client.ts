import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { DockerApiError, DockerTimeoutError, DockerUnavailableError } from './docker-api.error';
import { DockerEndpoint } from './docker-endpoint';
import { ContainerInspect, ContainerSummary, ImageInspect } from './docker.types';

export interface DockerTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface DockerClientOptions {
  /**
   * Deadline of one buffered call (`request`, `json`, inspect, kill, list), from sending to the
   * last byte of the answer; streams (`stream`) and the gateway's pass-through have none.
   * Default 10 s: every call the start path makes is bounded (issue 14).
   */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export interface DockerResponse {
  status: number;
  body: Buffer;
}

/**
 * The one door to dockerd for the product's own calls (inspect, kill, events). Keeps a keep-alive
 * connection pool that the gateway's pass-through shares, so a `docker exec` does not pay a new
 * upstream connection per request (weave #1439).
 */
export class DockerClient {
  readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(
    readonly endpoint: DockerEndpoint,
    readonly tlsFiles?: DockerTlsFiles,
    options: DockerClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const pool = { keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' as const };
    this.agent = endpoint.tls ? new https.Agent({ ...pool, ...tlsFiles }) : new http.Agent(pool);
  }

  /** Options for `http.request` that reach dockerd at `path`. */
  requestOptions(method: string, path: string, headers: http.OutgoingHttpHeaders = {}): http.RequestOptions {
    const { socketPath, host, port } = this.endpoint;
    return { method, path, headers, agent: this.agent, ...(socketPath ? { socketPath } : { host, port }) };
  }

  /**
   * One request, whole answer buffered: only for the product's own small JSON calls. Rejects with
   * `DockerTimeoutError` when the whole answer is not in within the client's deadline.
   */
  request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<DockerResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {};
    return new Promise<DockerResponse>((resolve, reject) => {
      const req = this.send(this.requestOptions(method, path, headers), signal);
      const timer = setTimeout(() => req.destroy(new DockerTimeoutError(method, path, this.timeoutMs)), this.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(this.unavailable(err));
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(payload);
    });
  }

  /** A streaming GET (events): resolves with the response once headers arrive. */
  stream(path: string, signal?: AbortSignal): Promise<Readable> {
    return new Promise((resolve, reject) => {
      const req = this.send(this.requestOptions('GET', path), signal);
      req.on('response', (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          reject(new DockerApiError(res.statusCode ?? 500, `GET ${path} answered ${res.statusCode}`));
          return;
        }
        resolve(res);
      });
      req.on('error', (err) => reject(this.unavailable(err)));
      req.end();
    });
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status >= 300) throw DockerClient.apiError(res);
    return (res.body.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
  }

  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/json`);
  }

  /** Undefined when dockerd has no such image (the caller decides what that means). */
  async inspectImage(name: string): Promise<ImageInspect | undefined> {
    const res = await this.request('GET', `/images/${encodeURIComponent(name)}/json`);
    if (res.status === 404) return undefined;
    if (res.status >= 300) throw DockerClient.apiError(res);
    return JSON.parse(res.body.toString('utf8')) as ImageInspect;
  }

  listContainers(all = false): Promise<ContainerSummary[]> {
    return this.json('GET', `/containers/json${all ? '?all=1' : ''}`);
  }

  async kill(id: string, signal = 'KILL'): Promise<void> {
    const res = await this.request('POST', `/containers/${encodeURIComponent(id)}/kill?signal=${signal}`);
    // 409: not running any more, which is what we wanted.
    if (res.status >= 300 && res.status !== 409 && res.status !== 404) throw DockerClient.apiError(res);
  }

  async version(): Promise<{ Version: string; ApiVersion: string }> {
    return this.json('GET', '/version');
  }

  close(): void {
    this.agent.destroy();
  }

  private send(options: http.RequestOptions, signal?: AbortSignal): http.ClientRequest {
    return (this.endpoint.tls ? https : http).request({ ...options, signal });
  }

  private unavailable(err: Error): Error {
    if (err.name === 'AbortError' || err instanceof DockerTimeoutError) return err;
    return new DockerUnavailableError(this.endpoint.url, (err as NodeJS.ErrnoException).code ?? err.message);
  }

  static apiError(res: DockerResponse): DockerApiError {
    let message = res.body.toString('utf8').trim();
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      /* dockerd answered plain text: keep it */
    }
    return new DockerApiError(res.status, message);
  }
}
