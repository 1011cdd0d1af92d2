import { CreateRewriteOptions } from '../gateway/create/create-body.rewriter';
import { deriveHostname } from '../gateway/create/hostname.deriver';
import { ProxyConfig } from '../config/proxy.config';

/** What create interception needs to point a new container at weaveDNS and name it. */
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
 * The `dns` option of rewriteCreateBody for one create request: the server, the domain and the
 * hostname derived from the container name (`?name=`) or the `--hostname-from-label` label.
 */
export function createDnsOptions(
  settings: WeaveDnsSettings,
  containerName: string | null | undefined,
  labels: unknown,
): NonNullable<CreateRewriteOptions['dns']> {
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
