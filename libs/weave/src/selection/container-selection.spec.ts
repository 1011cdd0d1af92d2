import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '@app/common';
import {
  bindTarget,
  InspectForSelection,
  isOursAtCreate,
  isOursAtRuntime,
  mergeEnv,
  notAttachedWarning,
  Selection,
} from './container-selection';

const CLAIM = { kind: 'requests', requests: [{ kind: 'claim', address: '10.2.1.1', prefixLength: 24, text: '10.2.1.1/24' }] };
const BLANK = { kind: 'requests', requests: [{ kind: 'allocate', text: '' }] };

describe('isOursAtCreate', () => {
  const cases: Array<[string, string | undefined, string[], boolean, Selection | RegExp]> = [
    ['default mode with a claim', undefined, ['WEAVE_CIDR=10.2.1.1/24'], false, { ours: true, spec: CLAIM } as Selection],
    ["'' mode", '', ['WEAVE_CIDR=10.2.1.1/24'], false, { ours: true, spec: CLAIM } as Selection],
    ["'default' mode", 'default', ['WEAVE_CIDR=10.2.1.1/24'], false, { ours: true, spec: CLAIM } as Selection],
    ["'bridge' mode", 'bridge', ['WEAVE_CIDR=10.2.1.1/24'], false, { ours: true, spec: CLAIM } as Selection],
    ['--net=none is ours', 'none', ['WEAVE_CIDR=10.2.1.1/24'], false, { ours: true, spec: CLAIM } as Selection],
    ['--net=host', 'host', ['WEAVE_CIDR=10.2.1.1/24'], true, /--net=host/],
    ['--net=container:x', 'container:abc', ['WEAVE_CIDR=10.2.1.1/24'], true, /--net=container:abc/],
    ['user-defined network', 'mynet', ['WEAVE_CIDR=10.2.1.1/24'], true, /--net=mynet/],
    ['network mode is case-sensitive', 'Bridge', ['WEAVE_CIDR=10.2.1.1/24'], true, /--net=Bridge/],
    ['WEAVE_CIDR=none', undefined, ['WEAVE_CIDR=none'], true, /WEAVE_CIDR=none/],
    ['first entry none wins', undefined, ['WEAVE_CIDR=none', 'WEAVE_CIDR=10.2.1.1/24'], true, /WEAVE_CIDR=none/],
    ['absent without IPAM', undefined, ['PATH=/bin'], false, /automatic allocation is off/],
    ['absent with IPAM', undefined, ['PATH=/bin'], true, { ours: true, spec: { kind: 'absent' } } as Selection],
    ['unset key without IPAM', undefined, ['WEAVE_CIDR'], false, /automatic allocation is off/],
    ['blank without IPAM is ours', undefined, ['WEAVE_CIDR='], false, { ours: true, spec: BLANK } as Selection],
    ['invalid WEAVE_CIDR on host net is left alone', 'host', ['WEAVE_CIDR=foo'], false, /--net=host/],
  ];
  for (const [name, networkMode, env, withIpam, expected] of cases) {
    test(name, () => {
      const got = isOursAtCreate({ networkMode, env, withIpam });
      if (expected instanceof RegExp) {
        assert.equal(got.ours, false);
        assert.match((got as { reason: string }).reason, expected);
      } else {
        assert.deepEqual(got, expected);
      }
    });
  }

  for (const value of ['foo', 'net:foo', 'NONE', '10.2.1.1/24 foo']) {
    test(`invalid WEAVE_CIDR=${value} throws`, () => {
      assert.throws(
        () => isOursAtCreate({ env: [`WEAVE_CIDR=${value}`], withIpam: true }),
        (err: unknown) => err instanceof InvalidInputError && err.code === 'WPX_INVALID_WEAVE_CIDR',
      );
    });
  }
});

describe('notAttachedWarning', () => {
  test('a WEAVE_CIDR or automatic allocation on a network mode that is left alone is said; nothing else', () => {
    const said = (networkMode: string | undefined, env: string[], withIpam = false) => notAttachedWarning({ networkMode, env, withIpam });
    assert.match(said('proj_default', ['WEAVE_CIDR=10.2.1.1/24']) ?? '', /'--net=proj_default' is left alone.*network_mode: bridge/);
    assert.match(said('host', ['WEAVE_CIDR=']) ?? '', /'--net=host' is left alone/);
    assert.doesNotMatch(said('host', ['WEAVE_CIDR=net:default']) ?? '', /compose/);
    assert.match(said('proj_default', [], true) ?? '', /left alone/, 'automatic allocation asked for every container');
    for (const [mode, env, ipam] of [
      ['bridge', ['WEAVE_CIDR=10.2.1.1/24'], false],
      [undefined, ['WEAVE_CIDR=10.2.1.1/24'], true],
      ['none', [], true],
      ['proj_default', ['WEAVE_CIDR=none'], true],
      ['proj_default', [], false],
      ['host', [], true],
      ['container:abc', [], true],
    ] as const) {
      assert.equal(said(mode, [...env], ipam), undefined, `${mode} ${env} ipam=${ipam}`);
    }
  });
});

describe('mergeEnv (as dockerd merges at create)', () => {
  const cases: Array<[string, string[] | null | undefined, string[] | null | undefined, string[]]> = [
    ['nothing', undefined, undefined, []],
    ['image only', ['PATH=/bin', 'A=1'], null, ['PATH=/bin', 'A=1']],
    ['request only', null, ['B=2'], ['B=2']],
    ['request overrides image key', ['PATH=/bin', 'WEAVE_CIDR=none'], ['WEAVE_CIDR=10.2.1.1/24'], ['WEAVE_CIDR=10.2.1.1/24', 'PATH=/bin']],
    ['image entries not in request appended', ['PATH=/bin', 'A=1'], ['B=2'], ['B=2', 'PATH=/bin', 'A=1']],
    ['request key without = hides the image entry', ['WEAVE_CIDR=none'], ['WEAVE_CIDR'], ['WEAVE_CIDR']],
    ['request duplicates kept in order', ['X=0'], ['X=1', 'X=2'], ['X=1', 'X=2']],
    ['empty request array takes the image env', ['WEAVE_CIDR=none'], [], ['WEAVE_CIDR=none']],
    ['image key with = in value', ['A=b=c'], ['A=d'], ['A=d']],
  ];
  for (const [name, image, request, expected] of cases) {
    test(name, () => assert.deepEqual(mergeEnv(image, request), expected));
  }

  test('an image ENV WEAVE_CIDR=none makes the container not ours at create', () => {
    const env = mergeEnv(['WEAVE_CIDR=none'], ['PATH=/bin']);
    assert.equal(isOursAtCreate({ env, withIpam: true }).ours, false);
  });

  test('does not mutate its inputs', () => {
    const image = ['A=1'];
    const request = ['B=2'];
    mergeEnv(image, request);
    assert.deepEqual([image, request], [['A=1'], ['B=2']]);
  });
});

describe('bindTarget', () => {
  const cases: Array<[unknown, string | undefined]> = [
    ['/host:/w:ro', '/w'],
    ['/host:/w', '/w'],
    ['/host:/w/', '/w'],
    ['vol:/data:rw,z', '/data'],
    ['/host:/:ro', '/'],
    ['/w', undefined],
    [42, undefined],
  ];
  for (const [bind, expected] of cases) {
    test(String(bind), () => assert.equal(bindTarget(bind), expected));
  }
});

describe('isOursAtRuntime', () => {
  const inspect = (env: string[] | null, binds: string[] | null, extra: Partial<InspectForSelection> = {}) =>
    ({ Config: { Env: env }, HostConfig: { NetworkMode: 'bridge', Binds: binds }, ...extra }) as InspectForSelection;
  const DIR = '/var/lib/weave-proxy/weavewait';
  const cases: Array<[string, InspectForSelection, boolean, boolean]> = [
    ['proxy-created claim', inspect(['WEAVE_CIDR=10.2.1.1/24'], [`${DIR}:/w:ro`]), false, true],
    ['bind from another directory still counts', inspect(['WEAVE_CIDR=10.2.1.1/24'], ['/old/dir:/w:ro']), false, true],
    ['created directly on dockerd', inspect(['WEAVE_CIDR=10.2.1.1/24'], null), true, false],
    ['other binds only', inspect(['WEAVE_CIDR=10.2.1.1/24'], ['/a:/wx', '/b:/data']), true, false],
    ['mount listed only in Mounts', inspect(['WEAVE_CIDR=10.2.1.1/24'], null, { Mounts: [{ Destination: '/w' }] }), false, true],
    ['image ENV WEAVE_CIDR=none', inspect(['WEAVE_CIDR=none', 'PATH=/bin'], [`${DIR}:/w:ro`]), true, false],
    ['absent with IPAM', inspect(['PATH=/bin'], [`${DIR}:/w:ro`]), true, true],
    ['absent without IPAM', inspect(['PATH=/bin'], [`${DIR}:/w:ro`]), false, false],
    ['null Env with IPAM', inspect(null, [`${DIR}:/w:ro`]), true, true],
    ['host network', { ...inspect(['WEAVE_CIDR='], [`${DIR}:/w:ro`]), HostConfig: { NetworkMode: 'host', Binds: [`${DIR}:/w:ro`] } }, true, false],
  ];
  for (const [name, container, withIpam, ours] of cases) {
    test(name, () => assert.equal(isOursAtRuntime(container, withIpam, DIR).ours, ours));
  }
});
