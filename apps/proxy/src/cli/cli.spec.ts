import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyConfig } from '../config/proxy.config';
import { normaliseArgv, runCli } from './cli';

const node = ['node', 'weave'];

async function launch(args: string[]): Promise<{ code: number; config?: ProxyConfig; stderr: string }> {
  let config: ProxyConfig | undefined;
  const errors: string[] = [];
  const original = console.error;
  const originalWrite = process.stderr.write.bind(process.stderr);
  console.error = (...a: unknown[]) => errors.push(a.join(' '));
  process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await runCli([...node, 'launch-proxy', ...args], async (c) => {
      config = c;
    });
    return { code, config, stderr: errors.join('\n') };
  } finally {
    console.error = original;
    process.stderr.write = originalWrite;
  }
}

describe('weave launch-proxy command line', () => {
  test('defaults: the docker socket, loopback :12375, weave bridge, 10.32.0.0/12, embedded store', async () => {
    const { code, config } = await launch([]);
    assert.equal(code, 0);
    assert.equal(config?.dockerHost, 'unix:///var/run/docker.sock');
    assert.deepEqual(config?.listen, ['tcp://127.0.0.1:12375']);
    assert.deepEqual(config?.adminListen, []);
    assert.equal(config?.bridge, 'weave');
    assert.equal(config?.iprange, '10.32.0.0/12');
    assert.equal(config?.store, 'sqlite');
    assert.equal(config?.releaseGraceSeconds, 30);
    assert.equal(config?.peerReclaimAfterSeconds, 600);
    assert.ok(Object.isFrozen(config));
  });

  test('the seed page spelling -iprange and the later --ipalloc-range both set the range', async () => {
    assert.deepEqual(normaliseArgv(['-iprange', '10.2.3.0/24']), ['--iprange', '10.2.3.0/24']);
    assert.equal((await launch(['-iprange', '10.2.3.0/24'])).config?.iprange, '10.2.3.0/24');
    assert.equal((await launch(['--ipalloc-range', '10.2.4.0/24'])).config?.iprange, '10.2.4.0/24');
  });

  test('repeatable -L, durations, negated flags', async () => {
    const { config } = await launch([
      '-L', 'tcp://127.0.0.1:1', '-L', 'unix:///tmp/w.sock', '--release-grace', '2m', '--resync-interval', '5s', '--peer-reclaim-after', '3s',
      '--no-rewrite-hosts', '--no-multicast-route', '--with-ipam',
    ]);
    assert.deepEqual(config?.listen, ['tcp://127.0.0.1:1', 'unix:///tmp/w.sock']);
    assert.equal(config?.releaseGraceSeconds, 120);
    assert.equal(config?.peerReclaimAfterSeconds, 3);
    assert.equal(config?.resyncIntervalSeconds, 5);
    assert.equal(config?.rewriteHosts, false);
    assert.equal(config?.multicastRoute, false);
    assert.equal(config?.withIpam, true);
  });

  test('unknown flags and bad values: usage, exit 2, every problem named', async () => {
    assert.equal((await launch(['--bogus'])).code, 2);
    assert.equal((await launch(['--log-level', 'loud'])).code, 2);
    const bad = await launch(['-H', 'ftp://x', '--iprange', 'ten']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /docker host/);
    assert.match(bad.stderr, /iprange/);
  });

  test('a non-loopback plain -L: refused naming -L and the opt-in; with --tls=false (dockerd spelling) it starts', async () => {
    const refused = await launch(['-L', 'tcp://0.0.0.0:12375']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^weave launch-proxy: -L\/--listen: tcp:\/\/0\.0\.0\.0:12375 is plain TCP on a non-loopback address: .*--tls=false$/m);
    for (const optIn of [['--tls=false'], ['--tls', 'false'], ['--tlsverify=false']]) {
      const r = await launch(['-L', 'tcp://0.0.0.0:12375', ...optIn]);
      assert.equal(r.code, 0, `${optIn.join(' ')}: ${r.stderr}`);
      assert.deepEqual(r.config?.listen, ['tcp://0.0.0.0:12375']);
      assert.equal(r.config?.tls, false);
    }
  });

  test('repeatable --admin-listen', async () => {
    const { code, config, stderr } = await launch(['--admin-listen', 'tcp://127.0.0.1:9375', '--admin-listen', 'unix:///tmp/wa.sock']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(config?.adminListen, ['tcp://127.0.0.1:9375', 'unix:///tmp/wa.sock']);
  });

  test('refuses a docker host that is one of its own listeners', async () => {
    const r = await launch(['-H', 'tcp://127.0.0.1:12375', '-L', 'tcp://0.0.0.0:12375']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /own listen address/);
  });
});
