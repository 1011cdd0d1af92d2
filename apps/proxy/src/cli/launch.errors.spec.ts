import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../config/config.loader';
import { ProxyConfig } from '../config/proxy.config';
import { dnsLimitsOf } from '../dns/dns.limits';
import { runCli } from './cli';

const PREFIX = 'weave launch-proxy: ';

/** Runs `weave launch-proxy ARGS` without booting anything; the config reaches `config` when valid. */
async function launch(args: string[]): Promise<{ code: number; config?: ProxyConfig; problems: string[]; stderr: string }> {
  let config: ProxyConfig | undefined;
  const lines: string[] = [];
  const original = console.error;
  const originalWrite = process.stderr.write.bind(process.stderr);
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await runCli(['node', 'weave', 'launch-proxy', ...args], async (c) => {
      config = c;
    });
    const problems = lines.filter((l) => l.startsWith(PREFIX)).map((l) => l.slice(PREFIX.length));
    return { code, config, problems, stderr: lines.join('\n') };
  } finally {
    console.error = original;
    process.stderr.write = originalWrite;
  }
}

// One bad flag each: exit 2, exactly one problem, starting with the flag as the user typed it.
const BAD: Array<[string[], string]> = [
  [['--iprange', '10.0.0.1/8'], '--iprange: "10.0.0.1/8" is not a network address, did you mean 10.0.0.0/8?'],
  [['--ipalloc-range', '10.0.0.1/8'], '--iprange: "10.0.0.1/8" is not a network address'],
  [['-iprange', 'ten'], '--iprange: "ten" is not an IPv4 CIDR such as 10.2.0.0/24'],
  [['--iprange', '10.2.3.0/31'], '--iprange: 10.2.3.0/31 must be /30 or larger'],
  [['--iprange', '10.2.0.0/033'], '--iprange: the prefix length of "10.2.0.0/033" must be a number from 0 to 32'],
  [['--store', 'foo'], '--store: "foo" must be "sqlite" or etcd://host:port'],
  [['--store', 'etcd://h1'], '--store: "etcd://h1" has invalid etcd endpoints "h1"'],
  [['--state-dir', 'relative/dir'], '--state-dir: "relative/dir" must be an absolute path'],
  [['--host-id', ' '], '--host-id: must not be empty'],
  [['--peer-address', 'host-a'], '--peer-address: "host-a" is not an IPv4 address such as 192.168.1.10'],
  [['--peer-address', '10.0.0.256'], '--peer-address: "10.0.0.256" is not an IPv4 address'],
  [['--vxlan-vni', '0'], '--vxlan-vni: '],
  [['--vxlan-vni', 'ten'], '--vxlan-vni: "ten" is not a whole number'],
  [['--vxlan-port', '65536'], '--vxlan-port: '],
  [['--peer-reclaim-after', '0'], '--peer-reclaim-after: "0" must be from 1s to 86400s'],
  [['--peer-reclaim-after', 'soon'], '--peer-reclaim-after: "soon" is not a whole number of seconds'],
  [['--mtu', '1400b'], '--mtu: "1400b" is not a whole number'],
  [['--mtu', '100'], '--mtu: '],
  [['--dns-client-rate', '0'], '--dns-client-rate: '],
  [['--dns-client-rate', 'fast'], '--dns-client-rate: "fast" is not a whole number'],
  [['--dns-client-burst', '0'], '--dns-client-burst: '],
  [['--dns-listen', 'not-an-ip'], '--dns-listen: "not-an-ip" is not ADDR[:PORT] with an IP address'],
  [['--dns-listen', '127.0.0.1:65536'], '--dns-listen: "127.0.0.1:65536" is not ADDR[:PORT]'],
  [['--dns-upstream', '10.0.0.2', '--dns-upstream', 'dns.example'], '--dns-upstream: "dns.example" is not ADDR[:PORT]'],
  [['--dns-domain', 'weave_local!'], '--dns-domain: must be a domain name'],
  [['--hostname-match', '('], '--hostname-match: invalid regexp "(": '],
  [['--hostname-from-label', ''], '--hostname-from-label: must not be empty'],
  [['--release-grace', '500ms'], '--release-grace: "500ms" is not a whole number of seconds such as 30, 30s, 2m or 5000ms'],
  [['--release-grace', '2d'], '--release-grace: "2d" is not a whole number of seconds'],
  [['--release-grace', '1441m'], '--release-grace: "1441m" must be from 0s to 86400s'],
  [['--resync-interval', '0s'], '--resync-interval: "0s" must be from 1s to 86400s'],
  [['-L', 'tcp://127.0.0.1:99999'], '-L/--listen: listen address "tcp://127.0.0.1:99999": expected tcp://host:port or unix:///path'],
  [['-L', 'unix://relative.sock'], '-L/--listen: listen address "unix://relative.sock"'],
  [['-H', 'ftp://x'], '-H/--docker-host: docker host "ftp://x": expected unix:///path or tcp://host:port'],
  [['-H', 'tcp://10.0.0.1:70000'], '-H/--docker-host: docker host "tcp://10.0.0.1:70000": port out of range'],
  [['-H', 'tcp://localhost:12375'], "-H/--docker-host: tcp://localhost:12375 is the proxy's own listen address tcp://127.0.0.1:12375"],
  [['-L', 'tcp://0.0.0.0:12375'], '-L/--listen: tcp://0.0.0.0:12375 is plain TCP on a non-loopback address'],
  [['--admin-listen', 'tcp://127.0.0.1:12375'], '--admin-listen: tcp://127.0.0.1:12375 is also a -L/--listen address'],
  [['--tls=maybe'], '--tls: "maybe" is not true or false'],
  [['--bridge', 'a-bridge-name-too-long'], '--bridge: must be a valid interface name'],
  [['--log-level', 'loud'], '--log-level: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
];

describe('launch-proxy: every bad flag is named by its flag, exit 2', () => {
  for (const [args, expected] of BAD) {
    test(args.join(' '), async () => {
      const r = await launch(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.config, undefined);
      assert.equal(r.problems.length, 1, r.stderr);
      assert.ok(r.problems[0].startsWith(expected), `${r.problems[0]}\n  should start with\n${expected}`);
      assert.doesNotMatch(r.stderr, /Seconds|dnsListen|hostnameMatch|stateDir|dockerHost|(?<![-\w])range: /, 'no internal field names');
      assert.match(r.stderr, /Run 'weave launch-proxy --help' for usage\./);
    });
  }
});

describe('launch-proxy: several bad flags, every problem in one run', () => {
  const args = ['--iprange', '10.0.0.1/8', '--store', 'foo', '--dns-listen', 'not-an-ip', '--hostname-match', '(', '--release-grace', '500ms'];
  // In the order of `--help`, whatever the order on the command line.
  const flags = ['--iprange', '--store', '--release-grace', '--dns-listen', '--hostname-match'];

  test('the command line lists them all, in flag order', async () => {
    const r = await launch(args);
    assert.equal(r.code, 2);
    assert.deepEqual(r.problems.map((p) => p.split(':')[0]), flags, r.stderr);
  });

  test('the loader throws one ConfigError whose message holds them all', () => {
    const input = { iprange: '10.0.0.1/8', store: 'foo', dnsListen: 'not-an-ip', hostnameMatch: '(', releaseGraceSeconds: '500ms' };
    assert.throws(() => loadConfig(input, {}), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, 'WPX_BAD_CONFIG');
      assert.equal(err.problems.length, flags.length);
      for (const flag of flags) assert.ok(err.message.includes(`${flag}: `), `${flag} in ${err.message}`);
      return true;
    });
  });
});

describe('launch-proxy: good values arrive parsed', () => {
  test('durations in seconds, DNS addresses as endpoints, the config frozen', async () => {
    const { code, config, stderr } = await launch([
      '--release-grace', '5000ms', '--resync-interval', '1m', '--dns-listen', '127.0.0.1:5353',
      '--dns-upstream', '10.0.0.2', '--dns-upstream', '[::1]:53', '--hostname-match', '(?P<app>[a-z]+)-\\d+',
      '--dns-domain', 'weave.local', '--log-level', 'debug', '-L', 'unix:///run/w.sock', '--iprange', '10.2.0.0/16',
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(config?.releaseGraceSeconds, 5);
    assert.equal(config?.resyncIntervalSeconds, 60);
    assert.deepEqual(config?.dnsListen, { host: '127.0.0.1', port: 5353 });
    assert.deepEqual(config?.dnsUpstream, [{ host: '10.0.0.2', port: 53 }, { host: '::1', port: 53 }]);
    assert.equal(config?.logLevel, 'debug');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.listen) && Object.isFrozen(config.dnsUpstream?.[0]));
  });

  test('weaveDNS client limits: 5000/s with a burst of twice the rate unless given', async () => {
    const plain = await launch([]);
    assert.deepEqual(dnsLimitsOf(plain.config!), { clientRatePerSecond: 5000, clientBurst: 10000 });
    const given = await launch(['--dns-client-rate', '200', '--dns-client-burst', '50']);
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual(dnsLimitsOf(given.config!), { clientRatePerSecond: 200, clientBurst: 50 });
    assert.deepEqual(dnsLimitsOf((await launch(['--dns-client-rate', '300'])).config!), { clientRatePerSecond: 300, clientBurst: 600 });
  });

  test('-H on another port of this host is not our own listener', async () => {
    assert.equal((await launch(['-H', 'tcp://127.0.0.1:2375'])).code, 0);
    assert.equal((await launch(['-H', 'tcp://127.0.0.1:2375', '-L', 'tcp://127.0.0.1:2376'])).code, 0);
  });
});
