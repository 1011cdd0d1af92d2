import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerStatusStore } from '../controller/container.status';
import { ControllerModule } from '../controller/controller.module';
import { DockerClientModule } from '../docker/docker-client.module';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { EndpointsService } from '../peers/endpoints.service';
import { PeersModule } from '../peers/peers.module';
import { BridgeAddressProbe } from './bridge-address.probe';
import { DNS_PORT, DnsEndpoint, formatDnsEndpoint } from './dns.address';
import { shuffled } from './dns.answer';
import { RemoteEndpoints } from './dns.records';
import { dnsLimitsOf } from './dns.limits';
import { DnsResolver } from './dns.resolver';
import { dnsSettings } from './dns.settings';
import { WEAVE_DNS_ENDPOINT, WEAVE_DNS_SETTINGS } from './dns.tokens';
import { chooseUpstreams, UpstreamForwarder } from './upstream.forwarder';
import { WeaveDnsServer } from './weave-dns.server';

const RESOLV_CONF = '/etc/resolv.conf';

/**
 * weaveDNS (`--with-dns`): the server, its records from the controller's container statuses and
 * (with etcd) the other hosts' endpoint records, and WEAVE_DNS_SETTINGS, which the gateway's create
 * endpoint uses to point containers at it and name them. Without `--with-dns` every provider here is null: nothing listens, creates are unchanged.
 */
@Module({
  imports: [ControllerModule, DockerClientModule, MetricsModule, PeersModule],
  providers: [
    BridgeAddressProbe,
    {
      provide: WEAVE_DNS_ENDPOINT,
      useFactory: (config: ProxyConfig, probe: BridgeAddressProbe, log: Logger) =>
        config.withDns ? listenEndpoint(config, probe, log) : null,
      inject: [PROXY_CONFIG, BridgeAddressProbe, ROOT_LOGGER],
    },
    {
      provide: WEAVE_DNS_SETTINGS,
      useFactory: (config: ProxyConfig, endpoint: DnsEndpoint | null) =>
        endpoint ? dnsSettings(config, endpoint.host) : null,
      inject: [PROXY_CONFIG, WEAVE_DNS_ENDPOINT],
    },
    {
      provide: UpstreamForwarder,
      useFactory: (config: ProxyConfig, endpoint: DnsEndpoint | null, log: Logger) =>
        endpoint ? upstreamForwarder(config, endpoint, log) : null,
      inject: [PROXY_CONFIG, WEAVE_DNS_ENDPOINT, ROOT_LOGGER],
    },
    {
      provide: DnsResolver,
      useFactory: (config: ProxyConfig, statuses: ContainerStatusStore, forwarder: UpstreamForwarder | null, endpoints: EndpointsService) =>
        forwarder ? new DnsResolver(statuses, config.dnsDomain, forwarder, shuffled, remoteEndpoints(endpoints)) : null,
      inject: [PROXY_CONFIG, ContainerStatusStore, UpstreamForwarder, EndpointsService],
    },
    {
      provide: WeaveDnsServer,
      useFactory: (endpoint: DnsEndpoint | null, resolver: DnsResolver | null, log: Logger, metrics: MetricsService, config: ProxyConfig) =>
        endpoint && resolver ? new WeaveDnsServer(endpoint, resolver, log, metrics, dnsLimitsOf(config)) : null,
      inject: [WEAVE_DNS_ENDPOINT, DnsResolver, ROOT_LOGGER, MetricsService, PROXY_CONFIG],
    },
  ],
  exports: [WEAVE_DNS_SETTINGS],
})
export class DnsModule {}

async function listenEndpoint(config: ProxyConfig, probe: BridgeAddressProbe, log: Logger): Promise<DnsEndpoint> {
  const endpoint = config.dnsListen ?? { host: await probe.gateway(), port: DNS_PORT };
  if (endpoint.port !== DNS_PORT) {
    // resolv.conf has no port: containers will still ask port 53 of this address.
    log.warn({ listen: formatDnsEndpoint(endpoint) }, 'dns listens on a port containers do not use');
  }
  return endpoint;
}

function remoteEndpoints(endpoints: EndpointsService): RemoteEndpoints {
  return { list: () => endpoints.remote(), onChange: (listener) => endpoints.onChange(listener) };
}

function upstreamForwarder(config: ProxyConfig, self: DnsEndpoint, log: Logger): UpstreamForwarder {
  const upstreams = chooseUpstreams(config.dnsUpstream, readResolvConf(), self);
  log.info({ component: 'dns', upstreams: upstreams.map(formatDnsEndpoint) }, 'dns upstreams');
  return new UpstreamForwarder(upstreams);
}

function readResolvConf(): string {
  try {
    return readFileSync(RESOLV_CONF, 'utf8');
  } catch {
    return '';
  }
}
