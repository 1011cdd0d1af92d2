import { Option } from 'commander';
import { ConfigInput } from '../config/flag.parsers';
import { LOG_LEVELS } from '../config/proxy.config';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Every flag of `weave launch-proxy`. Values stay text here: the config loader parses and checks
 * them all at once (so one run lists every bad flag); defaults live in ProxyConfig.
 */
export function launchOptions(): Option[] {
  return [
    new Option('-H, --docker-host <url>', 'the Docker daemon (default unix:///var/run/docker.sock)'),
    new Option('-L, --listen <url>', 'Docker API listen address, repeatable (default tcp://127.0.0.1:12375; with TLS tcp://0.0.0.0:12375)').argParser(collect),
    new Option('--admin-listen <url>', 'serve only the read-only admin API (/_weave/) here, repeatable: tcp://host:port or unix:///path').argParser(collect),
    new Option('--bridge <name>', 'the weave bridge (default weave)'),
    new Option('--with-ipam', 'give every container without WEAVE_CIDR an address'),
    new Option('--iprange <cidr>', 'address range for automatic allocation (default 10.32.0.0/12)'),
    new Option('--ipalloc-range <cidr>', 'same as --iprange').hideHelp(),
    new Option('--store <url>', 'IPAM store: sqlite (default) or etcd://host:2379[,host:2379]'),
    new Option('--state-dir <dir>', 'where the embedded store keeps its data (default /var/lib/weave-proxy)'),
    new Option('--host-id <id>', 'this host in a shared store (default the hostname)'),
    new Option('--peer-address <ip>', 'this host\'s underlay address for the other peers (with --store etcd://; default the local address that reaches etcd)'),
    new Option('--vxlan-vni <n>', 'VXLAN network id of the weave network, the same on every host (with --store etcd://; default 4242)'),
    new Option('--vxlan-port <port>', 'UDP port of the VXLAN packets, the same on every host (default 4789)'),
    new Option('--mtu <bytes>', 'MTU of the containers\' ethwe (default 1450 with --store etcd://, else the bridge\'s)'),
    new Option('--peer-reclaim-after <duration>', 'reclaim the addresses of a peer gone this long, whole seconds: 600, 10m (with --store etcd://; default 10m)'),
    new Option('--release-grace <duration>', 'keep a dead container\'s address this long, whole seconds: 30, 30s, 2m (default 30s)'),
    new Option('--resync-interval <duration>', 'full resync period, whole seconds: 60, 60s, 1m (default 60s)'),
    new Option('--attach-timeout <duration>', 'how long a start waits for its attach, retries included, whole seconds (default 20s)'),
    new Option('--rewrite-inspect', 'show the weave address in docker inspect'),
    new Option('--no-rewrite-hosts', 'leave the containers\' /etc/hosts alone'),
    new Option('--no-multicast-route', 'do not add a multicast route on ethwe'),
    new Option('--with-dns', 'serve <name>.weave.local to containers'),
    new Option('--without-dns', 'do not serve DNS (the default)'),
    new Option('--dns-listen <addr>', 'DNS listen address[:port] (default the docker bridge address)'),
    new Option('--dns-domain <domain>', 'DNS domain (default weave.local.)'),
    new Option('--dns-upstream <addr>', 'upstream resolver, repeatable (default from /etc/resolv.conf)').argParser(collect),
    new Option('--dns-client-rate <qps>', 'queries per second one client address may send weaveDNS (default 5000)'),
    new Option('--dns-client-burst <queries>', 'queries one client address may send at once (default twice --dns-client-rate)'),
    new Option('--hostname-from-label <key>', 'derive hostnames from this label'),
    new Option('--hostname-match <regexp>', 'regexp applied to names (default (.*))'),
    new Option('--hostname-replacement <template>', 'replacement for --hostname-match (default $1)'),
    // An optional value, as dockerd's: `--tls=false` is the explicit opt-in to plain TCP on a non-loopback -L.
    new Option('--tls [bool]', 'serve TLS; --tls=false: plain TCP even on a non-loopback -L (whoever reaches it is root)'),
    new Option('--tlsverify [bool]', 'serve TLS and require client certificates'),
    new Option('--tlscacert <file>', 'CA for client certificates'),
    new Option('--tlscert <file>', 'server certificate'),
    new Option('--tlskey <file>', 'server key'),
    new Option('--docker-tlsverify', 'talk TLS to the daemon'),
    new Option('--docker-tlscacert <file>', 'CA of the daemon'),
    new Option('--docker-tlscert <file>', 'client certificate for the daemon'),
    new Option('--docker-tlskey <file>', 'client key for the daemon'),
    new Option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default info)`),
  ];
}

/** Maps commander's option names onto ProxyConfig fields (undefined = use the default). */
export function toConfigValues(o: Record<string, unknown>): ConfigInput {
  const s = (k: string) => o[k] as string | undefined;
  return {
    dockerHost: s('dockerHost'),
    listen: o.listen as string[] | undefined,
    adminListen: o.adminListen as string[] | undefined,
    logLevel: s('logLevel'),
    bridge: s('bridge'),
    withIpam: o.withIpam === true,
    iprange: s('iprange') ?? s('ipallocRange'),
    store: s('store'),
    stateDir: s('stateDir'),
    hostId: s('hostId'),
    peerAddress: s('peerAddress'),
    vxlanVni: s('vxlanVni'),
    vxlanPort: s('vxlanPort'),
    mtu: s('mtu'),
    peerReclaimAfterSeconds: s('peerReclaimAfter'),
    releaseGraceSeconds: s('releaseGrace'),
    resyncIntervalSeconds: s('resyncInterval'),
    attachTimeoutSeconds: s('attachTimeout'),
    rewriteInspect: o.rewriteInspect === true,
    rewriteHosts: o.rewriteHosts !== false,
    multicastRoute: o.multicastRoute !== false,
    withDns: o.withDns === true && o.withoutDns !== true,
    dnsListen: s('dnsListen'),
    dnsDomain: s('dnsDomain'),
    dnsUpstream: o.dnsUpstream as string[] | undefined,
    dnsClientRate: s('dnsClientRate'),
    dnsClientBurst: s('dnsClientBurst'),
    hostnameFromLabel: s('hostnameFromLabel'),
    hostnameMatch: s('hostnameMatch'),
    hostnameReplacement: s('hostnameReplacement'),
    // true, the text after `=`, or undefined; the loader parses and combines them (listen.policy.ts).
    tls: o.tls as boolean | string | undefined,
    tlsVerify: o.tlsverify as boolean | string | undefined,
    tlsCaCert: s('tlscacert'),
    tlsCert: s('tlscert'),
    tlsKey: s('tlskey'),
    dockerTlsVerify: o.dockerTlsverify === true,
    dockerTlsCaCert: s('dockerTlscacert'),
    dockerTlsCert: s('dockerTlscert'),
    dockerTlsKey: s('dockerTlskey'),
  };
}
