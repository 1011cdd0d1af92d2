import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { ERRORS, InvalidInputError, Ipv4Cidr } from '@app/common';
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
  /** With a shared store: this host's peer id, recorded on every lease (`Lease.peer`). */
  readonly peerId?: string;
}

export type IpamOptionsInput = Partial<IpamOptions>;

export const IPAM_DEFAULTS = Object.freeze({
  range: '10.32.0.0/12',
  store: 'sqlite',
  stateDir: '/var/lib/weave-proxy',
});

/** One invalid option: which one, and why (the message does not repeat the option's name). */
export interface IpamOptionProblem {
  readonly option: CheckedOption;
  readonly message: string;
}

// The options with a rule (the peer id comes from a file the proxy writes itself).
type CheckedOption = Exclude<keyof IpamOptions, 'peerId'>;

// How resolveIpamOptions names each option in front of its problem.
const PREFIX: Record<CheckedOption, string> = {
  range: 'range: ',
  store: 'store ',
  stateDir: 'state directory ',
  hostId: 'host id ',
};

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
    ...(input.peerId === undefined ? {} : { peerId: input.peerId }),
  };
  const reported = ipamOptionProblems(options).map((p) => `${PREFIX[p.option]}${p.message}`);
  if (reported.length > 0) {
    throw new InvalidInputError(ERRORS.WPX_IPAM_INVALID_OPTIONS, `invalid IPAM options: ${reported.join('; ')}`);
  }
  return Object.freeze(options);
}

/**
 * Every problem of complete options, in field order; empty when they are valid. The proxy's config
 * loader calls this too, so a bad `--iprange` or `--store` is reported with the other flags
 * instead of when the IPAM module boots.
 */
export function ipamOptionProblems(options: IpamOptions): IpamOptionProblem[] {
  const found: Array<[CheckedOption, string | undefined]> = [
    ['range', rangeProblem(options.range)],
    ['store', storeProblem(options.store)],
    ['stateDir', isAbsolute(options.stateDir) ? undefined : `${JSON.stringify(options.stateDir)} must be an absolute path`],
    ['hostId', options.hostId.trim() !== '' ? undefined : 'must not be empty'],
  ];
  return found
    .filter((f): f is [CheckedOption, string] => f[1] !== undefined)
    .map(([option, message]) => ({ option, message }));
}

function rangeProblem(range: string): string | undefined {
  try {
    const subnet = Ipv4Cidr.parseNetwork(range);
    return subnet.prefixLength > 30 ? `${range} must be /30 or larger to hold any address` : undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function storeProblem(store: string): string | undefined {
  const location = parseStoreUrl(store);
  return typeof location === 'string' ? location : undefined;
}
