import { DomainError } from '@app/common';

/** The stable codes of every error this library raises (clients and tests match on them). */
export const IpamErrorCode = {
  Exhausted: 'WPX_IPAM_EXHAUSTED',
  AddressInUse: 'WPX_IPAM_ADDRESS_IN_USE',
  StoreUnavailable: 'WPX_IPAM_STORE_UNAVAILABLE',
  SubnetOutsideRange: 'WPX_IPAM_SUBNET_OUTSIDE_RANGE',
  InvalidSubnet: 'WPX_IPAM_INVALID_SUBNET',
  SubnetTooSmall: 'WPX_IPAM_SUBNET_TOO_SMALL',
  InvalidAddress: 'WPX_IPAM_INVALID_ADDRESS',
  InvalidOptions: 'WPX_IPAM_INVALID_OPTIONS',
  RangeMismatch: 'WPX_IPAM_RANGE_MISMATCH',
} as const;

/**
 * Every host address of the subnet is held. Not terminal: a release (a container removed, a grace
 * period ending) can make a later attempt succeed.
 */
export class IpamExhaustedError extends DomainError {
  readonly code = IpamErrorCode.Exhausted;
  override readonly status = 503;

  constructor(readonly subnet: string) {
    super(`no free address in ${subnet}`);
  }
}

/** A claim of an address another container holds. Terminal: the container's configuration asks for it. */
export class IpamConflictError extends DomainError {
  readonly code = IpamErrorCode.AddressInUse;
  override readonly status = 409;
  override readonly terminal = true;

  constructor(
    readonly address: string,
    readonly holderOwner: string,
    holderName?: string,
  ) {
    super(`address ${address} is already in use by container ${describeHolder(holderOwner, holderName)}`);
  }
}

/**
 * The store's leases were taken from another range than this proxy's `--iprange`. Terminal: using
 * them under another range would renumber running containers.
 */
export class IpamRangeMismatchError extends DomainError {
  readonly code = IpamErrorCode.RangeMismatch;
  override readonly status = 500;
  override readonly terminal = true;

  constructor(
    readonly storedRange: string,
    readonly range: string,
  ) {
    super(
      `the IPAM store holds addresses of the range ${storedRange}, but this proxy was started with ` +
        `--iprange ${range}: start it with --iprange ${storedRange}, or empty the store to change the range ` +
        `(see "Changing the allocation range" in the README)`,
    );
  }
}

/** The lease store did not answer (etcd down, database file not writable). Retried by the controller. */
export class IpamStoreUnavailableError extends DomainError {
  readonly code = IpamErrorCode.StoreUnavailable;
  override readonly status = 503;
}

// Docker reports names with a leading slash; people know containers by name, else by short id.
function describeHolder(owner: string, name?: string): string {
  const clean = name?.replace(/^\//, '');
  return clean ? clean : owner.slice(0, 12);
}
