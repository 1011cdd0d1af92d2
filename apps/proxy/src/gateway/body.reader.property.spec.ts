import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { isLosslessNumber, stringify } from 'lossless-json';
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

  test('an object body parses to the object it encodes (every key, every value)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const parsed = parseJsonObject(Buffer.from(JSON.stringify(o)));
        assert.deepStrictEqual(plain(parsed), JSON.parse(JSON.stringify(o)));
      }),
      { numRuns: 500 },
    );
  });

  test('integers beyond 2^53 keep their exact digits', () => {
    const parsed = parseJsonObject(Buffer.from('{"Memory": 9007199254740993, "Nested": {"N": -123456789012345678901}}'));
    assert.equal(stringify(parsed), '{"Memory":9007199254740993,"Nested":{"N":-123456789012345678901}}');
  });
});

/** The parser's output with its exact numbers (LosslessNumber) read as plain numbers, for comparison. */
function plain(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

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
