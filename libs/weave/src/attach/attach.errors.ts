import { DomainError, ERRORS } from '@app/common';

/**
 * The address is held by another live container (without an IPAM store: see ClaimRegistry). The
 * same code as IPAM's conflict (a lease held by another container): one condition for the user.
 */
export class AddressInUseError extends DomainError {
  constructor(cidr: string, holder: string) {
    super(ERRORS.WPX_ADDRESS_IN_USE, `address ${cidr} is already in use by container ${holder}`);
  }
}

/** Attaching failed on the host (veth, namespace, addresses); the cause names the step. */
export class AttachFailedError extends DomainError {
  constructor(containerName: string, cause: string) {
    super(ERRORS.WPX_ATTACH_FAILED, `weave: attaching container ${containerName} failed: ${cause}`);
  }
}
