import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, stringify } from 'lossless-json';
import { DomainError } from '@app/common';
import { CreateRewriteOptions, ImageCommand, rewriteCreateBody } from './create-body.rewriter';

type Body = Record<string, unknown>;

const DIR = '/var/lib/weave-proxy/weavewait';
const BIND = `${DIR}:/w:ro`;
const OPTS: CreateRewriteOptions = { imageName: 'img', weavewaitHostDir: DIR, waitArgs: [] };
const DNS_OPTS: CreateRewriteOptions = { ...OPTS, dns: { server: '172.17.0.1', domain: 'weave.local.', hostname: 'h' } };
const TOUCHED = new Set(['Entrypoint', 'Cmd', 'HostConfig', 'Hostname', 'Domainname']);
const RUNS = { numRuns: 2000 };

// What a client may put in the fields the rewriter reads: right shapes, wrong shapes, anything.
const argv = fc.oneof(fc.constant(null), fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.anything());
const hostConfig = fc.oneof(
  fc.anything(),
  fc.record(
    { Binds: argv, Dns: argv, DnsSearch: argv, NetworkMode: fc.anything(), Memory: fc.bigInt().map((n) => parse(`${n}`)) },
    { requiredKeys: [] },
  ),
);
const extraKey = fc.string({ minLength: 1 }).filter((k) => !TOUCHED.has(k));
const body: fc.Arbitrary<Body> = fc
  .tuple(
    fc.record({ Entrypoint: argv, Cmd: argv, HostConfig: hostConfig, Hostname: fc.anything() }, { requiredKeys: [] }),
    fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 5 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));
const image: fc.Arbitrary<ImageCommand | null> = fc.oneof(
  fc.constant(null),
  fc.record({ Entrypoint: argv, Cmd: argv }, { requiredKeys: [] }) as fc.Arbitrary<ImageCommand>,
);

/** Rewrites, answering the result or the (DomainError) thrown; anything else fails the property. */
function rewriteOrError(b: Body, img: ImageCommand | null, opts: CreateRewriteOptions): Body | DomainError {
  try {
    return rewriteCreateBody(b, img, opts);
  } catch (err) {
    assert.ok(err instanceof DomainError, `threw ${String(err)}`);
    return err;
  }
}

describe('rewriteCreateBody: properties over arbitrary bodies', () => {
  test('never throws anything but our DomainError types, never mutates the input', () => {
    fc.assert(
      fc.property(body, image, fc.boolean(), (b, img, dns) => {
        const before = stringify(b, undefined, undefined);
        rewriteOrError(b, img, dns ? DNS_OPTS : OPTS);
        assert.equal(stringify(b, undefined, undefined), before);
      }),
      RUNS,
    );
  });

  test('a rewritten body runs /w/w first and binds weavewait exactly once', () => {
    fc.assert(
      fc.property(body, image, (b, img) => {
        const out = rewriteOrError(b, img, OPTS);
        if (out instanceof DomainError) return;
        assert.equal((out.Entrypoint as string[])[0], '/w/w');
        const binds = (out.HostConfig as { Binds: string[] }).Binds;
        assert.equal(binds.filter((x) => x.endsWith(':/w:ro') || x.endsWith(':/w')).length, 1);
        assert.equal(binds[binds.length - 1], BIND);
      }),
      RUNS,
    );
  });

  test('rewriting an already rewritten body changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(body, image, (b, img) => {
        const once = rewriteOrError(b, img, OPTS);
        if (once instanceof DomainError) return;
        assert.equal(stringify(rewriteOrError(once, img, OPTS)), stringify(once));
      }),
      RUNS,
    );
  });
});

describe('rewriteCreateBody: lossless-json parse -> rewrite -> stringify', () => {
  test('unknown fields (top level and in HostConfig) and large integers come back byte for byte', () => {
    const big = fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n });
    fc.assert(
      fc.property(fc.dictionary(extraKey, fc.json(), { maxKeys: 6 }), big, big, (extra, n, m) => {
        const fields = Object.entries(extra).map(([k, v]) => `${JSON.stringify(k)}:${v}`);
        const text = `{${[...fields, `"Cmd":["x"]`, `"HostConfig":{"Memory":${n},"X-Y":[${m}]}`].join(',')}}`;
        const input = parse(text) as Body;
        const out = parse(stringify(rewriteCreateBody(input, { Cmd: ['sh'] }, OPTS)) as string) as Body;
        for (const k of Object.keys(input)) {
          if (!TOUCHED.has(k)) assert.equal(stringify(out[k]), stringify(input[k]), k);
        }
        const hc = stringify(out.HostConfig) as string;
        assert.ok(hc.includes(`"Memory":${n}`) && hc.includes(`"X-Y":[${m}]`), hc);
      }),
      RUNS,
    );
  });
});
