import { DomainError } from '@app/common';

/** The address is held by another live container (without an IPAM store: see ClaimRegistry). */
export class AddressInUseError extends DomainError {
  readonly code = 'WPX_ADDRESS_IN_USE';
  override readonly status = 409;
  override readonly terminal = true;
  constructor(cidr: string, holder: string) {
    super(`address ${cidr} is already in use by container ${holder}`);
  }
}

/** Attaching failed on the host (veth, namespace, addresses); the cause names the step. */
export class AttachFailedError extends DomainError {
  readonly code = 'WPX_ATTACH_FAILED';
  constructor(containerName: string, cause: string) {
    super(`weave: attaching container ${containerName} failed: ${cause}`);
  }
}
