import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.loader';
import { ConfigInput, goBool } from './flag.parsers';
import { isLoopbackHost } from './listen-address';
import { withListenDefaults } from './listen.policy';
import { ProxyConfig } from './proxy.config';

// Issue 15 item 1: safe default listener, dockerd's convention for unauthenticated TCP (refused off
// loopback unless --tls=false says so on purpose); item 2: --admin-listen checked like -L.

/** The problems loadConfig reports for `input` (no TLS files are read: none of these use TLS). */
function problems(input: ConfigInput): string[] {
  try {
    loadConfig(input, {});
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

function load(input: ConfigInput): Readonly<ProxyConfig> {
  return loadConfig(input, { DOCKER_CERT_PATH: '/nonexistent' });
}

const REFUSAL = /^-L\/--listen: .* is plain TCP on a non-loopback address: .*root on this host.*--tlsverify.*--tls=false$/;

describe('the default listener', () => {
  test('without TLS flags: loopback only, tcp://127.0.0.1:12375', () => {
    assert.deepEqual(load({}).listen, ['tcp://127.0.0.1:12375']);
  });

  test('--tls=false alone changes nothing: still loopback', () => {
    const config = load({ tls: 'false' });
    assert.deepEqual(config.listen, ['tcp://127.0.0.1:12375']);
    assert.equal(config.tls, false);
    assert.equal(config.tlsOff, true);
  });

  test('with --tlsverify (or --tls): every interface, tcp://0.0.0.0:12375, as on the seed page', () => {
    for (const input of [{ tlsVerify: true }, { tls: true }, { tls: true, tlsVerify: false }] as Array<{ tls?: boolean; tlsVerify?: boolean; listen?: string[] }>) {
      assert.deepEqual(withListenDefaults(input).listen, ['tcp://0.0.0.0:12375'], JSON.stringify(input));
    }
    assert.deepEqual(withListenDefaults({ tlsVerify: true }), { tls: true, tlsVerify: true, tlsOff: false, listen: ['tcp://0.0.0.0:12375'] });
    assert.deepEqual(withListenDefaults({ tls: true, listen: ['tcp://127.0.0.1:1'] }).listen, ['tcp://127.0.0.1:1'], 'a given -L wins');
  });

  test('through the loader and the command line spelling: --tlsverify is not refused on 0.0.0.0', () => {
    // The TLS files do not exist here; only they are reported, never -L.
    for (const input of [{ tlsVerify: true }, { tls: true }, { tlsVerify: 'true' }, { tls: '1' }] as ConfigInput[]) {
      const p = problems(input);
      assert.ok(p.length > 0 && p.every((x) => !x.startsWith('-L/--listen')), p.join('\n'));
    }
  });
});

describe('a plain TCP -L off loopback is refused at config load, naming -L and --tls=false', () => {
  const exposed = ['tcp://0.0.0.0:12375', 'tcp://:12375', 'tcp://192.168.1.10:12375', 'tcp://[::]:12375', 'tcp://host1:12375', 'tcp://[fe80::1]:1', 'tcp://[::ffff:7f00:1]:1'];
  for (const url of exposed) {
    test(url, () => {
      const p = problems({ listen: [url] });
      assert.equal(p.length, 1, p.join('\n'));
      assert.match(p[0], REFUSAL);
      assert.ok(p[0].includes(url), p[0]);
    });
  }

  test('several exposed -L: one problem naming each', () => {
    const p = problems({ listen: ['tcp://0.0.0.0:1', 'tcp://127.0.0.1:2', 'tcp://10.0.0.1:3'] });
    assert.equal(p.length, 1);
    assert.match(p[0], /tcp:\/\/0\.0\.0\.0:1, tcp:\/\/10\.0\.0\.1:3 is plain TCP/);
  });

  test('loopback and unix listeners are fine', () => {
    for (const url of ['tcp://127.0.0.1:1', 'tcp://127.1.2.3:1', 'tcp://localhost:1', 'tcp://[::1]:1', 'tcp://[0:0:0:0:0:0:0:1]:1', 'unix:///run/w.sock']) {
      assert.deepEqual(problems({ listen: [url] }), [], url);
    }
  });

  test('the explicit opt-in --tls=false (or --tlsverify=false, as dockerd) accepts it', () => {
    for (const optIn of [{ tls: 'false' }, { tlsVerify: 'false' }, { tls: false }, { tls: 'f' }, { tls: '0' }] as ConfigInput[]) {
      const config = load({ listen: ['tcp://0.0.0.0:12375'], ...optIn });
      assert.deepEqual(config.listen, ['tcp://0.0.0.0:12375']);
      assert.equal(config.tls, false);
      assert.equal(config.tlsOff, true);
    }
  });

  test('--tls=false with --tlsverify contradicts itself; a bad value is named', () => {
    assert.deepEqual(problems({ tls: 'false', tlsVerify: true }).filter((p) => p.startsWith('--tls=false')), [
      '--tls=false: contradicts --tlsverify (plain TCP, or TLS: choose one)',
    ]);
    assert.deepEqual(problems({ tls: 'maybe' }), ['--tls: "maybe" is not true or false']);
  });
});

describe('--admin-listen', () => {
  test('default none; tcp and unix addresses, repeatable', () => {
    assert.deepEqual(load({}).adminListen, []);
    assert.deepEqual(load({ adminListen: ['tcp://127.0.0.1:9375', 'unix:///run/wa.sock'] }).adminListen, [
      'tcp://127.0.0.1:9375',
      'unix:///run/wa.sock',
    ]);
  });

  test('a non-loopback admin listener is allowed (read-only data; warned in the log)', () => {
    assert.deepEqual(load({ adminListen: ['tcp://0.0.0.0:9375'] }).adminListen, ['tcp://0.0.0.0:9375']);
  });

  test('bad addresses and addresses of a -L are named by --admin-listen', () => {
    assert.match(problems({ adminListen: ['http://x'] })[0], /^--admin-listen: listen address "http:\/\/x": expected/);
    assert.deepEqual(problems({ adminListen: ['tcp://0.0.0.0:12375'] }), [
      '--admin-listen: tcp://0.0.0.0:12375 is also a -L/--listen address: give the admin API its own',
    ]);
    assert.equal(problems({ listen: ['unix:///run/a.sock'], adminListen: ['unix:///run/a.sock'] }).length, 1);
    assert.deepEqual(problems({ adminListen: ['tcp://127.0.0.1:12376'] }), []);
  });
});

describe('helpers', () => {
  test("goBool: Go's strconv.ParseBool spellings", () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(goBool(t), true, t);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(goBool(f), false, f);
    assert.throws(() => goBool('yes'), /"yes" is not true or false/);
  });

  test('isLoopbackHost', () => {
    const cases: Array<[string, boolean]> = [
      ['127.0.0.1', true], ['127.255.0.9', true], ['::1', true], ['0:0:0:0:0:0:0:1', true], ['localhost', true],
      ['0.0.0.0', false], ['', false], ['::', false], ['10.0.0.1', false], ['host1', false], ['::ffff:127.0.0.1', false],
    ];
    for (const [host, want] of cases) assert.equal(isLoopbackHost(host), want, host);
  });
});
