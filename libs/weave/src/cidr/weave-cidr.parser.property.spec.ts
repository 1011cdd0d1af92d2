import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, InvalidInputError } from '@app/common';
import { parseWeaveCidr, weaveCidrFromEnv, WeaveCidrSpec } from './weave-cidr.parser';

const RUNS = { numRuns: 3000 };
const octet = fc.integer({ min: 0, max: 255 });
const address = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const prefix = fc.integer({ min: 0, max: 32 });
// Tokens near the grammar, so that both accepted and refused values are common.
const token = fc.oneof(
  fc.tuple(fc.constantFrom('', 'ip:', 'net:'), address, prefix).map(([p, a, n]) => `${p}${a}/${n}`),
  fc.constantFrom('net:default', 'none', 'ip:', 'net:', '/', '1.2.3.4', '01.2.3.4/8', '1.2.3.4/33', '1.2.3.4/-1'),
  fc.string({ unit: 'binary', maxLength: 24 }),
);
const whitespace = fc.constantFrom(' ', '\t', '\n', '  ', ' \t\r\n');

/** Runs the parser and answers the spec, or the error it threw (which must be ours). */
function parseOrError(value: string): WeaveCidrSpec | InvalidInputError {
  try {
    return parseWeaveCidr(value);
  } catch (err) {
    assert.ok(err instanceof InvalidInputError, `threw ${String(err)}`);
    assert.equal((err as InvalidInputError).code, 'WPX_INVALID_WEAVE_CIDR');
    return err as InvalidInputError;
  }
}

describe('parseWeaveCidr: properties over arbitrary input', () => {
  test('any string, any unicode: a spec or InvalidInputError, never anything else', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parseOrError(s)), RUNS);
  });

  test('near-grammar token lists: a spec or InvalidInputError naming a token of the input', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 5 }), (tokens) => {
        const value = tokens.join(' ');
        const result = parseOrError(value);
        if (result instanceof InvalidInputError) assert.match(result.message, /^invalid WEAVE_CIDR "/);
      }),
      RUNS,
    );
  });

  test('the separating whitespace does not matter', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 4 }), whitespace, (tokens, ws) => {
        const a = parseOrError(tokens.join(' '));
        const b = parseOrError(`${ws}${tokens.join(ws)}${ws}`);
        if (a instanceof Error || b instanceof Error) assert.equal(a instanceof Error, b instanceof Error);
        else assert.deepEqual(a, b);
      }),
      RUNS,
    );
  });

  test('accepted requests are canonical: claims in 0..32, subnets on their network address', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 4 }), (tokens) => {
        const spec = parseOrError(tokens.join(' '));
        if (spec instanceof Error || spec.kind !== 'requests') return;
        for (const r of spec.requests) {
          if (r.kind === 'claim') {
            assert.ok(r.prefixLength >= 0 && r.prefixLength <= 32);
            assert.match(r.address, /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/);
          } else if (r.subnet) {
            assert.equal(r.text, `net:${r.subnet}`);
          }
        }
      }),
      RUNS,
    );
  });

  test('accepted requests never name one address or one subnet twice', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 5 }), (tokens) => {
        const spec = parseOrError(tokens.join(' '));
        if (spec instanceof Error || spec.kind !== 'requests') return;
        const keys = spec.requests.map((r) => (r.kind === 'claim' ? r.address : `net:${r.subnet ?? 'default'}`));
        assert.equal(new Set(keys).size, keys.length, JSON.stringify(tokens));
      }),
      RUNS,
    );
  });

  test('a leading zero in any octet is refused (no octal surprises)', () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 3 }), prefix, (o, i, n) => {
        const parts = o.map(String);
        parts[i] = `0${parts[i]}`;
        assert.ok(parseOrError(`${parts.join('.')}/${n}`) instanceof InvalidInputError);
      }),
    );
  });
});

describe('weaveCidrFromEnv: properties over arbitrary Env values', () => {
  test('any array of anything: never throws; the first WEAVE_CIDR= string entry wins', () => {
    const entry = fc.oneof(fc.anything(), fc.string().map((s) => `WEAVE_CIDR=${s}`), fc.constant('WEAVE_CIDR'));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (env) => {
        const first = env.find((e): e is string => typeof e === 'string' && e.startsWith('WEAVE_CIDR='));
        assert.equal(weaveCidrFromEnv(env), first?.slice('WEAVE_CIDR='.length));
      }),
      RUNS,
    );
  });

  test('and whatever it answers parses to a spec or one of our errors', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.anything(), fc.string().map((s) => `WEAVE_CIDR=${s}`))), (env) => {
        try {
          parseWeaveCidr(weaveCidrFromEnv(env));
        } catch (err) {
          assert.ok(err instanceof DomainError);
        }
      }),
    );
  });
});
