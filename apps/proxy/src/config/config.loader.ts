import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from '../validation/class-validator';
import { ERRORS, InvalidInputError } from '@app/common';
import { parseDockerEndpoint } from '@app/docker';
import { ipamOptionProblems } from '@app/ipam';
import { FLAG_NAMES, flagName } from './flag.names';
import { ConfigInput, parseFlagTexts } from './flag.parsers';
import { isLoopbackHost, isWildcardHost, parseListenAddress } from './listen-address';
import { adminListenProblems, exposedListenProblems, tlsIntentProblems, withListenDefaults } from './listen.policy';
import { ProxyConfig } from './proxy.config';
import { defaultCertDir, tlsFileProblems, withTlsDefaults } from './tls.files';

/**
 * Thrown with every problem at once, so a user fixes the command line in one go. Each problem
 * starts with the flag it is about (`--iprange: ...`).
 */
export class ConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(ERRORS.WPX_BAD_CONFIG, problems.join('; '));
  }
}

/**
 * Builds the one frozen ProxyConfig from the command line's values (text for the flags that
 * parse into something else: durations, DNS addresses). Validates EVERY field and reports every
 * problem at once, each named by its flag: types and single values (class-validator, with the same
 * parsers the modules use), the IPAM options (the IPAM's own rules), TLS files (readable and
 * loadable; paths default like the docker CLI's, `$DOCKER_CERT_PATH/{ca,cert,key}.pem`), the
 * listeners (default loopback, or every interface with TLS; a non-loopback plain TCP -L only with
 * dockerd's explicit `--tls=false`; admin listeners apart from -L: listen.policy.ts), and a
 * docker host that is one of our own listeners (an exported DOCKER_HOST pointing at the proxy would
 * make it talk to itself). Throws ConfigError; the result is frozen deeply, modules only read it.
 */
export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): Readonly<ProxyConfig> {
  const { values, problems: parseProblems } = parseFlagTexts(input);
  const withDefaults = withTlsDefaults(withListenDefaults(values as Partial<ProxyConfig>), defaultCertDir(env));
  const config = plainToInstance(ProxyConfig, withDefaults, { exposeDefaultValues: true });
  const problems: Problem[] = parseProblems.map(([field, message]) => ({ field, text: `${flagName(field)}: ${message}` }));
  const unparsed = new Set<string>(parseProblems.map(([field]) => field));
  problems.push(...flatten(validateSync(config)).filter((p) => !unparsed.has(p.field)));
  problems.push(...ipamProblems(config), ...ownListenerProblems(config));
  problems.push(...exposedListenProblems(config), ...tlsIntentProblems(config), ...adminListenProblems(config));
  problems.push(...tlsFileProblems(config).map((text) => ({ field: 'tls', text })));
  if (problems.length) throw new ConfigError(inFlagOrder(problems));
  return deepFreeze(config);
}

// Frozen all the way down (the -L list, the DNS endpoints): no module can change what another reads.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

interface Problem {
  /** The ProxyConfig field it is about (orders the report like `--help`). */
  field: string;
  text: string;
}

function inFlagOrder(problems: Problem[]): string[] {
  const order = Object.keys(FLAG_NAMES);
  const rank = (p: Problem) => (order.includes(p.field) ? order.indexOf(p.field) : order.length);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p.text);
}

function flatten(errors: ValidationError[]): Problem[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {})
      .map((msg) => ({ field: e.property, text: `${flagName(e.property)}: ${msg}${got(msg, e.value)}` }))
      .concat(flatten(e.children ?? [])),
  );
}

// The value, unless the message already quotes it (list checks quote each bad item themselves).
function got(message: string, value: unknown): string {
  const shown = JSON.stringify(value);
  return shown === undefined || Array.isArray(value) || message.includes(shown) ? '' : ` (got ${shown})`;
}

function ipamProblems(config: ProxyConfig): Problem[] {
  const { iprange: range, store, stateDir, hostId } = config;
  if (![range, store, stateDir, hostId].every((v) => typeof v === 'string')) return []; // reported above
  const fields = { range: 'iprange', store: 'store', stateDir: 'stateDir', hostId: 'hostId' } as const;
  return ipamOptionProblems({ range, store, stateDir, hostId }).map((p) => ({
    field: fields[p.option],
    text: `${flagName(fields[p.option])}: ${p.message}`,
  }));
}

function ownListenerProblems(config: ProxyConfig): Problem[] {
  const own = (config.listen ?? []).filter((l) => sameListener(String(config.dockerHost), String(l)));
  return own.map((l) => ({
    field: 'dockerHost',
    text: `${flagName('dockerHost')}: ${config.dockerHost} is the proxy's own listen address ${l}: point -H at dockerd`,
  }));
}

// Whether dockerd's address is one of our listeners: the same socket, or the same TCP port on hosts
// that both reach this machine (a wildcard or loopback address).
function sameListener(dockerHost: string, listen: string): boolean {
  try {
    const d = parseDockerEndpoint(dockerHost);
    const l = parseListenAddress(listen);
    if (d.socketPath !== undefined || l.kind === 'unix') return l.kind === 'unix' && l.path === d.socketPath;
    const local = (host: string) => isWildcardHost(host) || isLoopbackHost(host);
    return d.port === l.port && (d.host === l.host || (local(d.host ?? '') && local(l.host)));
  } catch {
    return false; // already reported as a bad -H or -L
  }
}
