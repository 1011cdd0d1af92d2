import { IncomingMessage } from 'node:http';
import { parse } from 'lossless-json';
import { ERRORS, InvalidInputError } from '@app/common';
import { BodyTooLargeError } from './docker-error.reply';

/** Intercepted JSON bodies are small (a create body is a few KiB); anything beyond is refused. */
export const INTERCEPT_BODY_LIMIT = 4 * 1024 * 1024;

/** After a refusal, how long the rest of an oversized body is read and thrown away. */
const DISCARD_MS = 5_000;

/**
 * Reads a whole request body: only for the few intercepted routes, never for pass-through. Over
 * `limit` it rejects with BodyTooLargeError (the caller answers 413) and throws the rest away;
 * a client that keeps sending for long after the refusal loses its connection, so an endless
 * body cannot hold the socket.
 */
export function readBody(req: IncomingMessage, limit = INTERCEPT_BODY_LIMIT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    if (Number(req.headers['content-length']) > limit) {
      reject(new BodyTooLargeError(limit));
      return discardRest(req);
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      reject(new BodyTooLargeError(limit));
      discardRest(req);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function discardRest(req: IncomingMessage): void {
  const timer = setTimeout(() => req.destroy(), DISCARD_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer)).once('close', () => clearTimeout(timer));
  req.resume();
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
    throw new InvalidInputError(ERRORS.WPX_BAD_JSON, `invalid JSON in request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidInputError(ERRORS.WPX_BAD_JSON, 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
