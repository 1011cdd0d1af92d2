import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '@app/common';
import {
  compileHostnameMatch,
  DEFAULT_HOSTNAME_MATCH,
  DEFAULT_HOSTNAME_REPLACEMENT,
  deriveHostname,
  expandGoTemplate,
  HostnameDerivation,
} from './hostname.deriver';

const APP = '^[^-]+-(?P<app>[^-]*)-[^-]+$';

describe('deriveHostname', () => {
  const defaults = { match: DEFAULT_HOSTNAME_MATCH, replacement: DEFAULT_HOSTNAME_REPLACEMENT };
  const cases: Array<[string, Partial<HostnameDerivation>, string | undefined]> = [
    ['defaults keep the name', { containerName: 'c1' }, 'c1'],
    ["strips Docker's leading slash", { containerName: '/c2' }, 'c2'],
    ['no name', {}, undefined],
    ['empty name', { containerName: '' }, undefined],
    ['only a slash', { containerName: '/' }, undefined],
    ['issue example', { containerName: 'abc-web-1', match: APP, replacement: '$app' }, 'web'],
    ['acceptance example 1', { containerName: 'qiuds71y827hdi-seeone-1io9qd9i0wd', match: APP, replacement: '$app' }, 'seeone'],
    ['no match keeps the name', { containerName: 'doesnotmatchpattern', match: APP, replacement: '$app' }, 'doesnotmatchpattern'],
    ['${name}', { containerName: 'abc-web-1', match: APP, replacement: '${app}-x' }, 'web-x'],
    ['$name takes the longest run', { containerName: 'abc-web-1', match: APP, replacement: '$app_x' }, undefined],
    ['numbered group', { containerName: 'abc-web-1', match: '([^-]+)-([^-]+)-(.*)', replacement: '$2$3' }, 'web1'],
    ['${1} delimits', { containerName: 'abc-web-1', match: '([^-]+)-(.*)', replacement: '${1}0' }, 'abc0'],
    ['$10 is group 10, not $1 then 0', { containerName: 'abc-web-1', match: '([^-]+)-(.*)', replacement: '$10' }, undefined],
    ['$0 is the whole match', { containerName: 'abc', match: 'a(b)c', replacement: '$0.$1' }, 'abc.b'],
    ['$$ is a dollar', { containerName: 'abc', replacement: '$$1' }, '$1'],
    ['lone $ is literal', { containerName: 'abc', replacement: 'x$' }, 'x$'],
    ['unclosed brace is literal', { containerName: 'abc', replacement: '${1' }, '${1'],
    ['anchored: a partial match is no match', { containerName: 'xabcx', match: 'abc', replacement: 'y' }, 'xabcx'],
    ['alternation stays inside the anchors', { containerName: 'ab', match: 'a|ab', replacement: 'z' }, 'z'],
    ['applied once', { containerName: 'aaa', match: '(a)(.*)', replacement: '$1' }, 'a'],
    ['replacement is literal text', { containerName: 'c', replacement: 'fixed' }, 'fixed'],
    ['unmatched optional group is empty', { containerName: 'ab', match: 'a(x)?(b)', replacement: '[$1]$2' }, '[]b'],
    ['escaped (?P< stays literal', { containerName: '(?P<a>)', match: '\\(\\?P<a>\\)', replacement: 'ok' }, 'ok'],
    ['label wins', { containerName: 'c', fromLabel: 'app', labels: { app: 'web' } }, 'web'],
    ['label rewritten too', { containerName: 'c', fromLabel: 'app', labels: { app: 'a-web-1' }, match: APP, replacement: '$app' }, 'web'],
    ['missing label falls back to the name', { containerName: 'c', fromLabel: 'app', labels: {} }, 'c'],
    ['empty label falls back to the name', { containerName: 'c', fromLabel: 'app', labels: { app: '' } }, 'c'],
    ['no labels at all', { containerName: 'c', fromLabel: 'app' }, 'c'],
    ['prototype keys are not labels', { containerName: 'c', fromLabel: 'toString', labels: {} }, 'c'],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(deriveHostname({ ...defaults, ...input }), expected));
  }

  for (const match of ['(', '[a-', '(?P<a>x)(?P<a>y)', '*']) {
    test(`invalid match ${match}`, () => {
      assert.throws(
        () => deriveHostname({ containerName: 'c', match, replacement: '$1' }),
        (err: unknown) =>
          err instanceof InvalidInputError && err.code === 'WPX_INVALID_HOSTNAME_MATCH' && err.message.includes(match),
      );
    });
  }
});

describe('compileHostnameMatch', () => {
  const cases: Array<[string, string]> = [
    ['(.*)', '^(?:(.*))$'],
    [APP, '^(?:^[^-]+-(?<app>[^-]*)-[^-]+$)$'],
    ['[(?P<]x', '^(?:[(?P<]x)$'],
    ['\\(?P<x>', '^(?:\\(?P<x>)$'],
  ];
  for (const [match, source] of cases) {
    test(match, () => assert.equal(compileHostnameMatch(match).source, source));
  }
});

describe('expandGoTemplate', () => {
  const found = /^(?<first>a)(b)?(?<third>c)$/.exec('ac') as RegExpExecArray;
  const cases: Array<[string, string]> = [
    ['$first', 'a'],
    ['${third}$first', 'ca'],
    ['$2', ''],
    ['$3', 'c'],
    ['$03', ''],
    ['$missing', ''],
    ['$', '$'],
    ['$-', '$-'],
    ['${}', '${}'],
    ['$$$$', '$$'],
    ['a$$first', 'a$first'],
  ];
  for (const [template, expected] of cases) {
    test(template, () => assert.equal(expandGoTemplate(template, found), expected));
  }
});
