import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { ERRORS, InvalidInputError } from '@app/common';
import { Ipv4Subnet } from './ipv4.subnet';
import { parseStoreUrl } from './store.url';

/** Validated, frozen IPAM options (see `resolveIpamOptions`). */
export interface IpamOptions {
  /** Allocation range, a canonical IPv4 CIDR of at most /30. */
  readonly range: string;
  /** `sqlite` (embedded, one host) or `etcd://host:port[,host:port...]` (shared by several hosts). */
  readonly store: string;
  /** Directory of the embedded store's `ipam.db`. */
  readonly stateDir: string;
  /** Recorded on every lease; a host only releases its own leases. */
  readonly hostId: string;
}

export type IpamOptionsInput = Partial<IpamOptions>;

export const IPAM_DEFAULTS = Object.freeze({
  range: '10.32.0.0/12',
  store: 'sqlite',
  stateDir: '/var/lib/weave-proxy',
});

/**
 * Applies defaults and validates every field, reporting all problems in one
 * `InvalidInputError(ERRORS.WPX_IPAM_INVALID_OPTIONS)`; returns a frozen object.
 */
export function resolveIpamOptions(input: IpamOptionsInput = {}): IpamOptions {
  const options: IpamOptions = {
    range: input.range ?? IPAM_DEFAULTS.range,
    store: input.store ?? IPAM_DEFAULTS.store,
    stateDir: input.stateDir ?? IPAM_DEFAULTS.stateDir,
    hostId: input.hostId ?? hostname(),
  };
  const problems = [rangeProblem(options.range), storeProblem(options.store), ...otherProblems(options)];
  const reported = problems.filter((p): p is string => p !== undefined);
  if (reported.length > 0) {
    throw new InvalidInputError(ERRORS.WPX_IPAM_INVALID_OPTIONS, `invalid IPAM options: ${reported.join('; ')}`);
  }
  return Object.freeze(options);
}

function rangeProblem(range: string): string | undefined {
  try {
    const subnet = Ipv4Subnet.parse(range);
    if (subnet.hostCount === 0) return `range ${range} must be /30 or larger to hold any address`;
    return undefined;
  } catch (err) {
    return `range: ${(err as Error).message}`;
  }
}

function storeProblem(store: string): string | undefined {
  const location = parseStoreUrl(store);
  return typeof location === 'string' ? location : undefined;
}

function otherProblems(options: IpamOptions): (string | undefined)[] {
  return [
    isAbsolute(options.stateDir)
      ? undefined
      : `state directory ${JSON.stringify(options.stateDir)} must be an absolute path`,
    options.hostId.trim() !== '' ? undefined : 'host id must not be empty',
  ];
}
