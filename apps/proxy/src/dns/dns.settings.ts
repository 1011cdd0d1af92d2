import { ProxyConfig } from '../config/proxy.config';
import { deriveHostname } from './hostname.deriver';

/** One new container's weaveDNS options: the server for HostConfig.Dns, the domain, its hostname. */
export interface ContainerDnsOptions {
  server: string;
  domain: string;
  hostname?: string;
}

/** What the gateway's create endpoint needs to point a new container at weaveDNS and name it. */
export interface WeaveDnsSettings {
  /** The address containers get in HostConfig.Dns (a resolv.conf entry has no port: 53 it is). */
  server: string;
  domain: string;
  hostnameFromLabel?: string;
  hostnameMatch: string;
  hostnameReplacement: string;
}

export function dnsSettings(config: ProxyConfig, server: string): WeaveDnsSettings {
  return {
    server,
    domain: config.dnsDomain,
    hostnameFromLabel: config.hostnameFromLabel,
    hostnameMatch: config.hostnameMatch,
    hostnameReplacement: config.hostnameReplacement,
  };
}

/**
 * The weaveDNS options of one create request: the server, the domain and the
 * hostname derived from the container name (`?name=`) or the `--hostname-from-label` label.
 */
export function createDnsOptions(
  settings: WeaveDnsSettings,
  containerName: string | null | undefined,
  labels: unknown,
): ContainerDnsOptions {
  const hostname = deriveHostname({
    containerName: containerName ?? undefined,
    labels: stringLabels(labels),
    fromLabel: settings.hostnameFromLabel,
    match: settings.hostnameMatch,
    replacement: settings.hostnameReplacement,
  });
  return { server: settings.server, domain: settings.domain, hostname };
}

function stringLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
