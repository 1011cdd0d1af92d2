/**
 * What one client, or all of them, may cost weaveDNS: the proxy that answers DNS also carries every
 * Docker API call, so no container may exhaust its sockets, memory or event loop (issue 15 item 3).
 */
export interface DnsLimits {
  /** Queries per second one client address may send over the long run (token refill rate). */
  clientRatePerSecond: number;
  /** Queries one client address may send at once before the rate applies. */
  clientBurst: number;
  /** Client addresses whose rate is tracked; the least recently seen is forgotten beyond it. */
  trackedClients: number;
  /** Queries of one client address being answered at once (over UDP); more are dropped. */
  clientPending: number;
  /** Open TCP connections; more are refused by the kernel backlog. */
  tcpConnections: number;
  /** Queries of one TCP connection answered at once; reading pauses until one is answered. */
  tcpPipeline: number;
}

/**
 * Defaults. The per-client rate (`--dns-client-rate`, `--dns-client-burst`) must not hurt a
 * container that resolves names in a tight loop (tens of thousands of lookups in a burst, a few
 * thousand a second sustained), yet bound a flood from one address to a share of one core: the
 * event loop also carries every Docker API call. 500/s with a burst of 1000 dropped 3% of a
 * 5000-query burst from one ordinary client.
 */
export const DEFAULT_DNS_LIMITS: Readonly<DnsLimits> = Object.freeze({
  clientRatePerSecond: 5_000,
  clientBurst: 10_000,
  trackedClients: 4_096,
  clientPending: 32,
  tcpConnections: 64,
  tcpPipeline: 16,
});

/** The limits a configuration asks for: `--dns-client-rate` and `--dns-client-burst` (unset: twice the rate). */
export function dnsLimitsOf(config: { dnsClientRate: number; dnsClientBurst?: number }): Partial<DnsLimits> {
  return { clientRatePerSecond: config.dnsClientRate, clientBurst: config.dnsClientBurst ?? 2 * config.dnsClientRate };
}

/** Optional provider overriding DEFAULT_DNS_LIMITS (tests). */
export const DNS_LIMITS = Symbol('DNS_LIMITS');
