import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, stringify } from 'lossless-json';
import { InvalidInputError } from '@app/common';
import {
  CreateRewriteOptions,
  ImageCommand,
  NoCommandError,
  NoSuchImageError,
  rewriteCreateBody,
} from './create-body.rewriter';

const DIR = '/var/lib/weave-proxy/weavewait';
const BIND = `${DIR}:/w:ro`;
const OPTS: CreateRewriteOptions = { imageName: 'busybox:local', weavewaitHostDir: DIR, waitArgs: [] };
const IMAGE: ImageCommand = { Entrypoint: null, Cmd: ['sh'] };
const EP_IMAGE: ImageCommand = { Entrypoint: ['/entry'], Cmd: ['--serve'] };

type Body = Record<string, unknown>;

describe('rewriteCreateBody: Entrypoint and Cmd', () => {
  const cases: Array<[string, Body, ImageCommand | null, Body]> = [
    ['image Cmd only', {}, IMAGE, { Entrypoint: ['/w/w'], Cmd: ['sh'] }],
    ['request Cmd kept', { Cmd: ['echo', 'hi'] }, IMAGE, { Entrypoint: ['/w/w'], Cmd: ['echo', 'hi'] }],
    ['string Cmd kept as given', { Cmd: 'echo hi' }, IMAGE, { Entrypoint: ['/w/w'], Cmd: 'echo hi' }],
    ['null Cmd takes the image Cmd', { Cmd: null }, IMAGE, { Entrypoint: ['/w/w'], Cmd: ['sh'] }],
    ['empty Cmd takes the image Cmd', { Cmd: [] }, IMAGE, { Entrypoint: ['/w/w'], Cmd: ['sh'] }],
    ['image ENTRYPOINT+CMD', {}, EP_IMAGE, { Entrypoint: ['/w/w', '/entry'], Cmd: ['--serve'] }],
    ['image ENTRYPOINT with request Cmd', { Cmd: ['--x'] }, EP_IMAGE, { Entrypoint: ['/w/w', '/entry'], Cmd: ['--x'] }],
    ['null Entrypoint inherits', { Entrypoint: null }, EP_IMAGE, { Entrypoint: ['/w/w', '/entry'], Cmd: ['--serve'] }],
    ['image ENTRYPOINT only', {}, { Entrypoint: ['/entry'], Cmd: null }, { Entrypoint: ['/w/w', '/entry'] }],
    ['--entrypoint override does not inherit Cmd', { Entrypoint: ['/bin/echo'] }, EP_IMAGE, { Entrypoint: ['/w/w', '/bin/echo'] }],
    ['--entrypoint override needs no image', { Entrypoint: ['/bin/echo'], Cmd: ['a'] }, null, { Entrypoint: ['/w/w', '/bin/echo'], Cmd: ['a'] }],
    ['string Entrypoint is one element', { Entrypoint: '/bin/echo hi' }, null, { Entrypoint: ['/w/w', '/bin/echo hi'] }],
    ['[] Entrypoint means none, Cmd inherited', { Entrypoint: [] }, EP_IMAGE, { Entrypoint: ['/w/w'], Cmd: ['--serve'] }],
    ['[""] Entrypoint means none', { Entrypoint: [''], Cmd: ['ls'] }, EP_IMAGE, { Entrypoint: ['/w/w'], Cmd: ['ls'] }],
    ['committed image is not wrapped twice', {}, { Entrypoint: ['/w/w', 'sh'], Cmd: null }, { Entrypoint: ['/w/w', 'sh'] }],
    ['request already wrapped', { Entrypoint: ['/w/w', '-s', 'x'] }, null, { Entrypoint: ['/w/w', '-s', 'x'] }],
  ];
  for (const [name, body, image, expected] of cases) {
    test(name, () => {
      const out = rewriteCreateBody(body, image, OPTS);
      assert.deepEqual({ Entrypoint: out.Entrypoint, ...('Cmd' in out ? { Cmd: out.Cmd } : {}) }, expected);
    });
  }

  test('waitArgs go between /w/w and the entrypoint', () => {
    const out = rewriteCreateBody({}, EP_IMAGE, { ...OPTS, waitArgs: ['-s'] });
    assert.deepEqual(out.Entrypoint, ['/w/w', '-s', '/entry']);
  });

  const errors: Array<[string, Body, ImageCommand | null, (err: unknown) => boolean]> = [
    ['missing image', {}, null, (e) => e instanceof NoSuchImageError && e.status === 404 && e.code === 'WPX_NO_SUCH_IMAGE' && e.message === 'No such image: busybox:local'],
    ['[] Entrypoint still needs the image for Cmd', { Entrypoint: [] }, null, (e) => e instanceof NoSuchImageError],
    ['nothing to run', {}, { Entrypoint: null, Cmd: null }, (e) => e instanceof NoCommandError && e.status === 500 && e.code === 'WPX_NO_COMMAND' && e.message === 'No command specified'],
    ['[] Entrypoint, image Cmd empty', { Entrypoint: [] }, { Entrypoint: ['/e'], Cmd: [] }, (e) => e instanceof NoCommandError],
    ['[""] Entrypoint without Cmd', { Entrypoint: [''] }, EP_IMAGE, (e) => e instanceof NoCommandError],
    ['Entrypoint of a wrong type', { Entrypoint: 5 }, IMAGE, (e) => e instanceof InvalidInputError && e.code === 'WPX_INVALID_CREATE_BODY'],
    ['Cmd with a non-string', { Cmd: ['a', 1] }, IMAGE, (e) => e instanceof InvalidInputError],
    ['HostConfig not an object', { Cmd: ['a'], HostConfig: [] }, IMAGE, (e) => e instanceof InvalidInputError],
    ['Binds not an array', { Cmd: ['a'], HostConfig: { Binds: 'x' } }, IMAGE, (e) => e instanceof InvalidInputError],
  ];
  for (const [name, body, image, check] of errors) {
    test(`throws: ${name}`, () => assert.throws(() => rewriteCreateBody(body, image, OPTS), check));
  }
});

describe('rewriteCreateBody: weavewait bind', () => {
  const cases: Array<[string, unknown, string[]]> = [
    ['no HostConfig', undefined, [BIND]],
    ['null HostConfig', null, [BIND]],
    ['null Binds', { Binds: null }, [BIND]],
    ['user binds kept first', { Binds: ['/a:/a', 'v:/data:rw'] }, ['/a:/a', 'v:/data:rw', BIND]],
    ['earlier /w bind replaced', { Binds: ['/x:/w', '/a:/a', '/y:/w/:rw'] }, ['/a:/a', BIND]],
    ['similar targets kept', { Binds: ['/x:/ww', '/y:/w/w'] }, ['/x:/ww', '/y:/w/w', BIND]],
  ];
  for (const [name, hostConfig, binds] of cases) {
    test(name, () => {
      const body = hostConfig === undefined ? { Cmd: ['a'] } : { Cmd: ['a'], HostConfig: hostConfig };
      const out = rewriteCreateBody(body, IMAGE, OPTS);
      assert.deepEqual((out.HostConfig as Body).Binds, binds);
    });
  }

  test('other HostConfig fields are kept and nothing DNS-related is added without dns', () => {
    const out = rewriteCreateBody({ Cmd: ['a'], HostConfig: { NetworkMode: 'bridge', Privileged: true } }, IMAGE, OPTS);
    assert.deepEqual(out.HostConfig, { NetworkMode: 'bridge', Privileged: true, Binds: [BIND] });
    assert.equal('Hostname' in out, false);
  });
});

describe('rewriteCreateBody: DNS and hostname', () => {
  const dns = (hostname?: string, domain = 'weave.local') => ({ ...OPTS, dns: { server: '172.17.0.1', domain, hostname } });
  const LONG = 'x'.repeat(52); // 52 + 1 + 11 = 64: the limit itself is allowed
  const cases: Array<[string, Body, CreateRewriteOptions, Body]> = [
    ['derived hostname', {}, dns('c1'), { Dns: ['172.17.0.1'], DnsSearch: ['.'], Hostname: 'c1', Domainname: 'weave.local' }],
    ['no derived hostname', {}, dns(), { Dns: ['172.17.0.1'], DnsSearch: ['weave.local'] }],
    ['user --dns first', { HostConfig: { Dns: ['8.8.8.8'] } }, dns(), { Dns: ['8.8.8.8', '172.17.0.1'], DnsSearch: ['weave.local'] }],
    ['user DnsSearch kept', { HostConfig: { DnsSearch: ['corp'] } }, dns('c1'), { Dns: ['172.17.0.1'], DnsSearch: ['corp'], Hostname: 'c1', Domainname: 'weave.local' }],
    ['empty DnsSearch replaced', { HostConfig: { DnsSearch: [] } }, dns(), { Dns: ['172.17.0.1'], DnsSearch: ['weave.local'] }],
    ['user -h kept', { Hostname: 'seetwo.weave.local' }, dns('c1'), { Dns: ['172.17.0.1'], DnsSearch: ['.'], Hostname: 'seetwo.weave.local' }],
    ['empty Hostname is replaced', { Hostname: '' }, dns('c1'), { Dns: ['172.17.0.1'], DnsSearch: ['.'], Hostname: 'c1', Domainname: 'weave.local' }],
    ['64 characters fit', {}, dns(LONG), { Dns: ['172.17.0.1'], DnsSearch: ['.'], Hostname: LONG, Domainname: 'weave.local' }],
    ['65 characters do not', {}, dns(`${LONG}y`), { Dns: ['172.17.0.1'], DnsSearch: ['.'] }],
    ['trailing dot of the domain dropped', {}, dns('c1', 'weave.local.'), { Dns: ['172.17.0.1'], DnsSearch: ['.'], Hostname: 'c1', Domainname: 'weave.local' }],
  ];
  for (const [name, body, opts, expected] of cases) {
    test(name, () => {
      const out = rewriteCreateBody({ Cmd: ['a'], ...body }, IMAGE, opts);
      const hc = out.HostConfig as Body;
      const got: Body = { Dns: hc.Dns, DnsSearch: hc.DnsSearch };
      if ('Hostname' in out) got.Hostname = out.Hostname;
      if ('Domainname' in out) got.Domainname = out.Domainname;
      assert.deepEqual(got, expected);
    });
  }
});

describe('rewriteCreateBody: everything else', () => {
  const TEXT = '{"Memory": 9223372036854775807, "X-Unknown": {"a": [1,2]}, "Cmd": ["a"]}';

  test('large integers and unknown fields survive lossless-json exactly', () => {
    const out = rewriteCreateBody(parse(TEXT) as Body, IMAGE, OPTS);
    const text = stringify(out) as string;
    assert.match(text, /"Memory":9223372036854775807,/);
    assert.match(text, /"X-Unknown":\{"a":\[1,2\]\}/);
  });

  test('the input is not mutated', () => {
    const body = parse('{"Cmd":["a"],"HostConfig":{"Binds":["/x:/w"],"Dns":["1.1.1.1"]},"Hostname":""}') as Body;
    const before = stringify(body);
    rewriteCreateBody(body, IMAGE, { ...OPTS, dns: { server: 's', domain: 'weave.local', hostname: 'h' } });
    assert.equal(stringify(body), before);
  });

  test('property: every top-level field but the touched ones is kept as is', () => {
    const touched = new Set(['Entrypoint', 'Cmd', 'HostConfig', 'Hostname', 'Domainname']);
    const key = fc.string({ minLength: 1 }).filter((k) => !touched.has(k) && k !== '__proto__');
    const value = fc.oneof(fc.jsonValue(), fc.bigInt().map((n) => parse(n.toString())));
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n }), (extra, big) => {
        const text = stringify({ ...extra, Memory: parse(big.toString()), Cmd: ['a'] }) as string;
        const body = parse(text) as Body;
        const out = rewriteCreateBody(body, IMAGE, { ...OPTS, dns: { server: 's', domain: 'd' } });
        for (const k of Object.keys(body)) if (!touched.has(k)) assert.equal(out[k], body[k]);
        assert.ok((stringify(out) as string).includes(`"Memory":${big}`));
      }),
    );
  });
});
