import { readFileSync } from 'node:fs';
import { DynamicModule, Module } from '@nestjs/common';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerStatusStore } from '../controller/container.status';
import { ControllerModule } from '../controller/controller.module';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { BridgeAddressProbe } from './bridge-address.probe';
import { DNS_PORT, DnsEndpoint, formatDnsEndpoint } from './dns.address';
import { DnsResolver } from './dns.resolver';
import { dnsSettings } from './dns.settings';
import { WEAVE_DNS_ENDPOINT, WEAVE_DNS_SETTINGS } from './dns.tokens';
import { chooseUpstreams, UpstreamForwarder } from './upstream.forwarder';
import { WeaveDnsServer } from './weave-dns.server';

const RESOLV_CONF = '/etc/resolv.conf';

/**
 * weaveDNS, only with `--with-dns`: the server, its records from the controller's container
 * statuses, and (global) the settings create interception uses to point containers at it.
 */
@Module({})
export class DnsModule {
  static register(config: ProxyConfig): DynamicModule {
    if (!config.withDns) return { module: DnsModule };
    return {
      module: DnsModule,
      global: true,
      imports: [ControllerModule],
      providers: [
        BridgeAddressProbe,
        {
          provide: WEAVE_DNS_ENDPOINT,
          useFactory: (probe: BridgeAddressProbe, log: Logger) => listenEndpoint(config, probe, log),
          inject: [BridgeAddressProbe, ROOT_LOGGER],
        },
        {
          provide: WEAVE_DNS_SETTINGS,
          useFactory: (endpoint: DnsEndpoint) => dnsSettings(config, endpoint.host),
          inject: [WEAVE_DNS_ENDPOINT],
        },
        {
          provide: UpstreamForwarder,
          useFactory: (endpoint: DnsEndpoint, log: Logger) => upstreamForwarder(config, endpoint, log),
          inject: [WEAVE_DNS_ENDPOINT, ROOT_LOGGER],
        },
        {
          provide: DnsResolver,
          useFactory: (statuses: ContainerStatusStore, forwarder: UpstreamForwarder) =>
            new DnsResolver(statuses, config.dnsDomain, forwarder),
          inject: [ContainerStatusStore, UpstreamForwarder],
        },
        WeaveDnsServer,
      ],
      exports: [WEAVE_DNS_ENDPOINT, WEAVE_DNS_SETTINGS, WeaveDnsServer],
    };
  }
}

async function listenEndpoint(config: ProxyConfig, probe: BridgeAddressProbe, log: Logger): Promise<DnsEndpoint> {
  const endpoint = config.dnsListen ?? { host: await probe.gateway(), port: DNS_PORT };
  if (endpoint.port !== DNS_PORT) {
    // resolv.conf has no port: containers will still ask port 53 of this address.
    log.warn({ listen: formatDnsEndpoint(endpoint) }, 'dns listens on a port containers do not use');
  }
  return endpoint;
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
