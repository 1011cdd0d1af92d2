import { DomainError, ERRORS } from '@app/common';

/**
 * Every host address of the subnet is held. Not terminal: a release (a container removed, a grace
 * period ending) can make a later attempt succeed.
 */
export class IpamExhaustedError extends DomainError {
  constructor(readonly subnet: string) {
    super(ERRORS.WPX_IPAM_EXHAUSTED, `no free address in ${subnet}`);
  }
}

/**
 * A claim of an address another container holds. Terminal: the container's configuration asks for
 * it. The same code as the weave library's AddressInUseError (a holder outside IPAM's range).
 */
export class IpamConflictError extends DomainError {
  constructor(
    readonly address: string,
    readonly holderOwner: string,
    holderName?: string,
  ) {
    super(ERRORS.WPX_ADDRESS_IN_USE, `address ${address} is already in use by container ${describeHolder(holderOwner, holderName)}`);
  }
}

/**
 * The store's leases were taken from another range than this proxy's `--iprange`. Terminal: using
 * them under another range would renumber running containers.
 */
export class IpamRangeMismatchError extends DomainError {
  constructor(
    readonly storedRange: string,
    readonly range: string,
  ) {
    super(
      ERRORS.WPX_IPAM_RANGE_MISMATCH,
      `the IPAM store holds addresses of the range ${storedRange}, but this proxy was started with ` +
        `--iprange ${range}: start it with --iprange ${storedRange}, or empty the store to change the range ` +
        `(see "Changing the allocation range" in the README)`,
    );
  }
}

/** The lease store did not answer (etcd down, database file not writable). Retried by the controller. */
export class IpamStoreUnavailableError extends DomainError {
  constructor(message: string) {
    super(ERRORS.WPX_IPAM_STORE_UNAVAILABLE, message);
  }
}

// Docker reports names with a leading slash; people know containers by name, else by short id.
function describeHolder(owner: string, name?: string): string {
  const clean = name?.replace(/^\//, '');
  return clean ? clean : owner.slice(0, 12);
}
