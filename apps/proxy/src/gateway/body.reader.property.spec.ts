import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { stringify } from 'lossless-json';
import { InvalidInputError } from '@app/common';
import { BodyTooLargeError } from './docker-error.reply';
import { parseJsonObject, readBody } from './body.reader';

describe('parseJsonObject: properties over hostile bodies', () => {
  test('any bytes: an object or InvalidInputError WPX_BAD_JSON, never anything else', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
      fc.json().map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        try {
          const value = parseJsonObject(raw);
          assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value));
        } catch (err) {
          assert.ok(err instanceof InvalidInputError && err.code === 'WPX_BAD_JSON', String(err));
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('deep nesting is a 400, not a crash', () => {
    const deep = Buffer.from(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    assert.throws(() => parseJsonObject(deep), InvalidInputError);
  });

  test('objects round-trip through parse and stringify unchanged', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.json()), (o) => {
        const text = `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
        assert.equal(stringify(parseJsonObject(Buffer.from(text))), stringify(parseJsonObject(Buffer.from(stringify(parseJsonObject(Buffer.from(text))) as string))));
      }),
    );
  });
});

describe('readBody limit', () => {
  const request = (headers: Record<string, string> = {}) => Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;

  test('a declared Content-Length over the limit is refused at once', async () => {
    const req = request({ 'content-length': '1000' });
    await assert.rejects(readBody(req, 10), BodyTooLargeError);
  });

  test('a chunked body that grows over the limit is refused, the rest discarded', async () => {
    const req = request();
    const p = readBody(req, 10);
    req.write(Buffer.alloc(8));
    req.write(Buffer.alloc(8));
    await assert.rejects(p, BodyTooLargeError);
    req.end(Buffer.alloc(1 << 20));
  });

  test('a body at the limit is read whole', async () => {
    const req = request();
    const p = readBody(req, 10);
    req.end(Buffer.alloc(10, 1));
    assert.equal((await p).length, 10);
  });
});
