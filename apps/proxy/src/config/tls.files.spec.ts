import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from './config.loader';
import { defaultCertDir, withTlsDefaults } from './tls.files';

describe('TLS file defaults (like the docker CLI)', () => {
  test('$DOCKER_CERT_PATH, else ~/.docker', () => {
    assert.equal(defaultCertDir({ DOCKER_CERT_PATH: '/certs' }), '/certs');
    assert.equal(defaultCertDir({}), path.join(os.homedir(), '.docker'));
  });

  const cases: Array<[string, Record<string, unknown>, Record<string, string | undefined>]> = [
    ['no TLS: nothing filled in', {}, { tlsCert: undefined, tlsCaCert: undefined, dockerTlsCaCert: undefined }],
    ['--tls: cert and key, no CA', { tls: true }, { tlsCert: '/d/cert.pem', tlsKey: '/d/key.pem', tlsCaCert: undefined }],
    ['--tlsverify: all three', { tls: true, tlsVerify: true }, { tlsCaCert: '/d/ca.pem', tlsCert: '/d/cert.pem', tlsKey: '/d/key.pem' }],
    ['given paths win', { tls: true, tlsVerify: true, tlsCert: '/x.pem' }, { tlsCert: '/x.pem', tlsKey: '/d/key.pem' }],
    ['--docker-tlsverify: the daemon side', { dockerTlsVerify: true }, { dockerTlsCaCert: '/d/ca.pem', dockerTlsKey: '/d/key.pem', tlsCert: undefined }],
  ];
  for (const [name, values, expected] of cases) {
    test(name, () => {
      const out = withTlsDefaults(values, '/d') as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) assert.equal(out[k], v, k);
    });
  }
});

describe('loadConfig: TLS files are checked at start', () => {
  const problems = (values: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    try {
      loadConfig(values, env);
      return [];
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems;
    }
  };

  test('every unreadable file is named, with its flag', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpx-tls-'));
    try {
      const p = problems({ tls: true, tlsVerify: true }, { DOCKER_CERT_PATH: dir });
      assert.deepEqual(p, [
        `--tlscacert: cannot read ${dir}/ca.pem (ENOENT)`,
        `--tlscert: cannot read ${dir}/cert.pem (ENOENT)`,
        `--tlskey: cannot read ${dir}/key.pem (ENOENT)`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('files that are not PEM are reported once, naming the files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpx-tls-'));
    try {
      for (const f of ['cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), 'not a pem');
      const p = problems({ tls: true }, { DOCKER_CERT_PATH: dir });
      assert.equal(p.length, 1);
      assert.match(p[0], /^TLS files do not load \(--tlscacert \(none\), --tlscert .*cert\.pem, --tlskey .*key\.pem\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--docker-tlsverify needs a tcp docker host', () => {
    const p = problems({ dockerTlsVerify: true, dockerTlsCaCert: '/nonexistent/ca.pem' }, { DOCKER_CERT_PATH: '/nonexistent' });
    assert.ok(p.includes('--docker-tlsverify needs a tcp:// docker host (got unix:///var/run/docker.sock)'), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('--docker-tlscacert: cannot read /nonexistent/ca.pem')));
  });

  test('without TLS nothing is read', () => {
    assert.deepEqual(problems({}, { DOCKER_CERT_PATH: '/nonexistent' }), []);
  });
});
