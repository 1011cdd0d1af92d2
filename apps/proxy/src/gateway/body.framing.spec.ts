import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BodyFramer } from './body.framing';

/** Feeds `bytes` one split at a time (every split point), answering where the body ended. */
function bodyEnd(headers: Record<string, string>, bytes: string, split: number): number | undefined {
  const f = new BodyFramer(headers);
  const all = Buffer.from(bytes, 'latin1');
  if (f.done) return 0;
  let offset = 0;
  for (const part of [all.subarray(0, split), all.subarray(split)]) {
    const n = f.consume(part);
    if (f.done) return offset + n;
    offset += part.length;
  }
  return undefined;
}

describe('BodyFramer', () => {
  const cases: Array<[string, Record<string, string>, string, number | undefined]> = [
    ['no body', {}, 'abc', 0],
    ['Content-Length', { 'content-length': '5' }, '{"a":1}'.slice(0, 5) + 'stdin', 5],
    ['Content-Length not all here yet', { 'content-length': '10' }, 'abc', undefined],
    ['chunked', { 'transfer-encoding': 'chunked' }, '3\r\nabc\r\n0\r\n\r\nstdin', 13],
    ['chunked with extension and trailer', { 'transfer-encoding': 'chunked' }, 'a;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\nrest', 30],
    ['chunked wins over Content-Length', { 'transfer-encoding': 'chunked', 'content-length': '2' }, '0\r\n\r\nX', 5],
  ];
  for (const [name, headers, bytes, want] of cases) {
    test(name, () => {
      for (let split = 0; split <= bytes.length; split++) assert.equal(bodyEnd(headers, bytes, split), want, `split at ${split}`);
    });
  }

  test('a malformed chunk size throws', () => {
    assert.throws(() => new BodyFramer({ 'transfer-encoding': 'chunked' }).consume(Buffer.from('zz\r\n')));
  });
});
