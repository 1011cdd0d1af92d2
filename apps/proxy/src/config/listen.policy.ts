import { FLAG_NAMES } from './flag.names';
import { isLoopback, ListenAddress, parseListenAddress } from './listen-address';
import { ProxyConfig } from './proxy.config';

/** The proxy's port, from the seed page (`listen on port 12375`). */
export const PROXY_PORT = 12375;
/** Without TLS only this host may reach the Docker API; with it, every interface (the seed page's remote use). */
export const DEFAULT_LISTEN_PLAIN = `tcp://127.0.0.1:${PROXY_PORT}`;
export const DEFAULT_LISTEN_TLS = `tcp://0.0.0.0:${PROXY_PORT}`;
/** How an operator says "plain TCP, I know": dockerd's own spelling (`--tls=false` or `--tlsverify=false`). */
export const PLAIN_TCP_OPT_IN = '--tls=false';

type TlsValues = Partial<Record<'tls' | 'tlsVerify' | 'tlsOff', unknown>> & { listen?: unknown };

/**
 * dockerd's reading of the TLS flags (cmd/dockerd checkTLSAuthOK): `--tlsverify` implies `--tls`,
 * and either flag given explicitly as false is the operator's deliberate choice of an
 * unauthenticated listener (`tlsOff`). Without -L the listener is loopback, or every interface
 * when the proxy serves TLS. `values` are parsed flag values (booleans, or undefined when not given).
 */
export function withListenDefaults<T extends TlsValues>(values: T): T {
  const out: TlsValues = { ...values };
  const off = values.tls === false || values.tlsVerify === false;
  out.tls = values.tls === true || values.tlsVerify === true;
  out.tlsVerify = values.tlsVerify === true;
  out.tlsOff = off || values.tlsOff === true;
  out.listen ??= [out.tls ? DEFAULT_LISTEN_TLS : DEFAULT_LISTEN_PLAIN];
  return out as T;
}

/** A problem as the loader reports it: the config field it belongs to, and the line to print. */
export interface ListenProblem {
  field: keyof ProxyConfig;
  text: string;
}

/**
 * Whoever reaches a plain TCP listener controls dockerd, i.e. is root on this host. Like dockerd
 * since v27 (docs "Unauthenticated TCP connections"), a non-loopback plain TCP `-L` is refused
 * unless the operator opted in with `--tls=false`; one problem naming every such address. With
 * --tls/--tlsverify every TCP listener speaks TLS, and unix sockets are guarded by their mode.
 */
export function exposedListenProblems(config: ProxyConfig): ListenProblem[] {
  if (config.tls || config.tlsOff) return [];
  const exposed = parsedAll(config.listen).filter((a) => !isLoopback(a));
  if (exposed.length === 0) return [];
  const urls = exposed.map((a) => a.url).join(', ');
  const text =
    `${FLAG_NAMES.listen}: ${urls} is plain TCP on a non-loopback address: whoever reaches it controls Docker, ` +
    `i.e. is root on this host; use --tlsverify, a loopback address or a unix socket, ` +
    `or accept that risk explicitly with ${PLAIN_TCP_OPT_IN}`;
  return [{ field: 'listen', text }];
}

/** `--tls=false --tlsverify` asks for two opposite things. */
export function tlsIntentProblems(config: ProxyConfig): ListenProblem[] {
  if (!(config.tlsOff && config.tls)) return [];
  const off = config.tlsVerify ? '--tlsverify' : '--tls';
  return [{ field: 'tls', text: `${PLAIN_TCP_OPT_IN}: contradicts ${off} (plain TCP, or TLS: choose one)` }];
}

/** An `--admin-listen` that is also a `-L` would serve the Docker API and the admin API on one address. */
export function adminListenProblems(config: ProxyConfig): ListenProblem[] {
  const docker = parsedAll(config.listen);
  return parsedAll(config.adminListen)
    .filter((a) => docker.some((d) => overlaps(a, d)))
    .map((a) => ({ field: 'adminListen', text: `${FLAG_NAMES.adminListen}: ${a.url} is also a -L/--listen address: give the admin API its own` }));
}

// Two addresses that cannot both be bound: one socket path, or one TCP port on overlapping hosts.
function overlaps(a: ListenAddress, b: ListenAddress): boolean {
  if (a.kind === 'unix' || b.kind === 'unix') return a.kind === 'unix' && b.kind === 'unix' && a.path === b.path;
  const wildcard = (h: string) => h === '0.0.0.0' || h === '::';
  return a.port === b.port && a.port !== 0 && (a.host === b.host || wildcard(a.host) || wildcard(b.host));
}

// The valid ones only: a bad address is reported by its own check.
function parsedAll(urls: unknown): ListenAddress[] {
  if (!Array.isArray(urls)) return [];
  return urls.flatMap((u) => {
    try {
      return [parseListenAddress(String(u))];
    } catch {
      return [];
    }
  });
}
