import * as http from 'node:http';
import { DomainError, ERRORS, ErrorCode } from '@app/common';
import { parseListenAddress } from '../config/listen-address';

class AdminUnreachableError extends DomainError {
  constructor(url: string, cause: string) {
    super(ERRORS.WPX_ADMIN_UNREACHABLE, `cannot reach the proxy at ${url}: ${cause} (is it running? choose it with -L)`);
  }
}

/** The proxy answered an admin call with one of its own coded errors (`{code, message}`): shown as is. */
class AdminAnswerError extends DomainError {
  constructor(code: ErrorCode, message: string) {
    super(ERRORS[code], message);
  }
}

/** GET a JSON document from a running proxy's admin API. */
export function adminGet<T>(listen: string, path: string): Promise<T> {
  return adminRequest<T>(listen, 'GET', path);
}

/**
 * One call to a running proxy's admin API (`-L` address), JSON `body` if given; resolves with the
 * answer's JSON. Rejects with the proxy's own coded error (`WPX_PEER_LIVE`...) when it answers one,
 * else `WPX_ADMIN_UNREACHABLE` naming the address and the cause. Times out after 10 s.
 */
export function adminRequest<T>(listen: string, method: string, path: string, body?: unknown): Promise<T> {
  const addr = parseListenAddress(listen);
  const target =
    addr.kind === 'unix'
      ? { socketPath: addr.path }
      : { host: addr.host === '0.0.0.0' || addr.host === '::' ? '127.0.0.1' : addr.host, port: addr.port };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) < 400) return resolve(JSON.parse(text) as T);
        reject(codedError(text) ?? new AdminUnreachableError(listen, `${res.statusCode} ${text}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new AdminUnreachableError(listen, err.message)));
    req.end(payload);
  });
}

function codedError(text: string): AdminAnswerError | undefined {
  try {
    const { code, message } = JSON.parse(text) as { code?: string; message?: string };
    if (typeof message === 'string' && typeof code === 'string' && code in ERRORS) return new AdminAnswerError(code as ErrorCode, message);
  } catch {
    // not JSON: reported as unreachable with the raw answer
  }
  return undefined;
}
