import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HandledEndpoint, RouteTable, safeDecode } from './route.table';

const exec: HandledEndpoint = {
  name: 'exec',
  method: 'POST',
  path: /^\/containers\/([^/]+)\/exec$/,
  handle: async () => undefined,
};
const table = new RouteTable([exec]);

// Raw segments made of the characters that matter: separators, dots, escapes (valid and broken).
const piece = fc.constantFrom('a', '0', '.', '..', '/', '%2F', '%2f', '%2e', '%2E%2E', '%5C', '%00', '%', '%zz', '%25', '\\', '-');
const segment = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(''));

describe('RouteTable: ids with separators and dots', () => {
  test('a decoded id is never empty, `.`, `..`, and never holds `/`, `\\` or NUL', () => {
    fc.assert(
      fc.property(fc.oneof(segment, fc.string({ unit: 'binary' })), (raw) => {
        const id = safeDecode(raw);
        if (id === undefined) return;
        assert.ok(id !== '' && id !== '.' && id !== '..' && !/[/\\\0]/.test(id), JSON.stringify(id));
        assert.equal(id, decodeURIComponent(raw), 'decoded exactly once');
      }),
      { numRuns: 3000 },
    );
  });

  test('a request is intercepted only with a safe id; the rest is passed through raw', () => {
    fc.assert(
      fc.property(segment, fc.constantFrom('', '/v1.41', '/v1.24'), (raw, version) => {
        const m = table.match('POST', `${version}/containers/${raw}/exec?x=1`);
        if (m) assert.equal(m.params[0], safeDecode(raw));
        else assert.ok(raw.includes('/') || safeDecode(raw) === undefined, raw);
      }),
      { numRuns: 3000 },
    );
  });

  test('examples', () => {
    assert.equal(table.match('POST', '/containers/%2e%2e/exec'), undefined);
    assert.equal(table.match('POST', '/containers/a%2Fb/exec'), undefined);
    assert.equal(table.match('POST', '/containers/../exec'), undefined);
    assert.equal(table.match('POST', '/containers/%E0%A4%A/exec'), undefined);
    assert.deepEqual(table.match('POST', '/v1.41/containers/web%2D1/exec')?.params, ['web-1']);
  });
});
