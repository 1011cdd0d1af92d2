import { IncomingMessage } from 'node:http';
import { parse } from 'lossless-json';
import { InvalidInputError } from '@app/common';
import { BodyTooLargeError } from './docker-error.reply';

/** Intercepted JSON bodies are small (a create body is a few KiB); anything beyond is refused. */
export const INTERCEPT_BODY_LIMIT = 4 * 1024 * 1024;

/** Reads a whole request body: only for the few intercepted routes, never for pass-through. */
export function readBody(req: IncomingMessage, limit = INTERCEPT_BODY_LIMIT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Parses a JSON object body keeping large integers exact (LosslessNumber), so that fields the proxy
 * does not touch go back to dockerd as they came. An empty body is an empty object.
 */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new InvalidInputError('WPX_BAD_JSON', `invalid JSON in request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError('WPX_BAD_JSON', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
