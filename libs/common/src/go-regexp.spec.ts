import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoRegexp, GoRegexpError, translateGoRegexp } from './go-regexp';

describe('compileGoRegexp', () => {
  const good: Array<[string, boolean, string]> = [
    ['(.*)', true, '^(?:(.*))$'],
    ['(.*)', false, '(.*)'],
    ['^(?P<app>[a-z]+)-\\d+$', false, '^(?<app>[a-z]+)-\\d+$'],
    ['[(?P<]x', false, '[(?P<]x'],
    ['\\(?P<x>', false, '\\(?P<x>'],
  ];
  for (const [pattern, anchored, source] of good) {
    test(`${pattern} (anchored: ${anchored})`, () => assert.equal(compileGoRegexp(pattern, { anchored }).source, source));
  }

  for (const bad of ['(', '[a-', '*', '(?P<1x>a)']) {
    test(`refuses ${JSON.stringify(bad)}, naming the pattern`, () => {
      assert.throws(() => compileGoRegexp(bad, { anchored: true }), (err: unknown) => {
        assert.ok(err instanceof GoRegexpError);
        assert.equal(err.pattern, bad);
        assert.ok(err.message.startsWith(`invalid regexp "${bad}": `), err.message);
        return true;
      });
    });
  }

  test('translation leaves JavaScript-only syntax alone', () => assert.equal(translateGoRegexp('(?<a>x)'), '(?<a>x)'));
});
