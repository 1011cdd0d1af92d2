import { ProxyConfig } from './proxy.config';

/**
 * The command-line flag behind each config field, as a user types it: every config problem is
 * reported under this name, never the field's (`--release-grace`, not `releaseGraceSeconds`).
 */
export const FLAG_NAMES: Record<keyof ProxyConfig, string> = {
  dockerHost: '-H/--docker-host',
  listen: '-L/--listen',
  adminListen: '--admin-listen',
  logLevel: '--log-level',
  bridge: '--bridge',
  withIpam: '--with-ipam',
  iprange: '--iprange',
  store: '--store',
  stateDir: '--state-dir',
  hostId: '--host-id',
  peerAddress: '--peer-address',
  vxlanVni: '--vxlan-vni',
  vxlanPort: '--vxlan-port',
  mtu: '--mtu',
  peerReclaimAfterSeconds: '--peer-reclaim-after',
  releaseGraceSeconds: '--release-grace',
  rewriteInspect: '--rewrite-inspect',
  rewriteHosts: '--no-rewrite-hosts',
  multicastRoute: '--no-multicast-route',
  resyncIntervalSeconds: '--resync-interval',
  attachTimeoutSeconds: '--attach-timeout',
  withDns: '--with-dns',
  dnsListen: '--dns-listen',
  dnsDomain: '--dns-domain',
  dnsUpstream: '--dns-upstream',
  dnsClientRate: '--dns-client-rate',
  dnsClientBurst: '--dns-client-burst',
  hostnameFromLabel: '--hostname-from-label',
  hostnameMatch: '--hostname-match',
  hostnameReplacement: '--hostname-replacement',
  tls: '--tls',
  tlsVerify: '--tlsverify',
  tlsOff: '--tls=false',
  tlsCaCert: '--tlscacert',
  tlsCert: '--tlscert',
  tlsKey: '--tlskey',
  dockerTlsVerify: '--docker-tlsverify',
  dockerTlsCaCert: '--docker-tlscacert',
  dockerTlsCert: '--docker-tlscert',
  dockerTlsKey: '--docker-tlskey',
  weavewaitDir: 'the weavewait directory',
};

export function flagName(field: string): string {
  return FLAG_NAMES[field as keyof ProxyConfig] ?? field;
}
