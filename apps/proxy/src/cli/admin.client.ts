import * as http from 'node:http';
import { DomainError, ERRORS } from '@app/common';
import { parseListenAddress } from '../config/listen-address';

class AdminUnreachableError extends DomainError {
  constructor(url: string, cause: string) {
    super(ERRORS.WPX_ADMIN_UNREACHABLE, `cannot reach the proxy at ${url}: ${cause} (is it running? choose it with -L)`);
  }
}

/** GET a JSON document from a running proxy's admin API. */
export function adminGet<T>(listen: string, path: string): Promise<T> {
  const addr = parseListenAddress(listen);
  const target =
    addr.kind === 'unix'
      ? { socketPath: addr.path }
      : { host: addr.host === '0.0.0.0' || addr.host === '::' ? '127.0.0.1' : addr.host, port: addr.port };
  return new Promise((resolve, reject) => {
    const req = http.get({ ...target, path, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) return reject(new AdminUnreachableError(listen, `${res.statusCode} ${text}`));
        resolve(JSON.parse(text) as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new AdminUnreachableError(listen, err.message)));
  });
}
