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

/** Generous for any real resolver (a busy application resolves a few names a second). */
export const DEFAULT_DNS_LIMITS: Readonly<DnsLimits> = Object.freeze({
  clientRatePerSecond: 500,
  clientBurst: 1_000,
  trackedClients: 4_096,
  clientPending: 32,
  tcpConnections: 64,
  tcpPipeline: 16,
});

/** Optional provider overriding DEFAULT_DNS_LIMITS (tests). */
export const DNS_LIMITS = Symbol('DNS_LIMITS');
