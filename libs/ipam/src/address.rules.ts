import { ERRORS, InvalidInputError } from '@app/common';
import { Ipv4Subnet, addressToNumber } from './ipv4.subnet';
import { Lease } from './lease';

/**
 * A `net:` subnet: canonical, inside the range (the range's other hosts share the bridge with it)
 * and with at least one host address.
 */
export function subnetInRange(range: Ipv4Subnet, cidr: string): Ipv4Subnet {
  const subnet = Ipv4Subnet.parse(cidr);
  if (!range.covers(subnet)) {
    throw new InvalidInputError(
      ERRORS.WPX_IPAM_SUBNET_OUTSIDE_RANGE,
      `subnet ${subnet.cidr} is outside the allocation range ${range.cidr}`,
    );
  }
  if (subnet.hostCount === 0) {
    throw new InvalidInputError(
      ERRORS.WPX_IPAM_SUBNET_TOO_SMALL,
      `subnet ${subnet.cidr} has no host addresses (use /30 or larger)`,
    );
  }
  return subnet;
}

/** Whether `lease` was allocated (not claimed) from exactly `subnet`: what `allocate` is idempotent on. */
export function isAllocationIn(lease: Lease, subnet: string): boolean {
  return lease.kind === 'allocated' && lease.subnet === subnet;
}

// A claim names a host address: a valid dotted quad, a prefix 0-32, and (up to /30) neither the
// network nor the broadcast address of its own subnet, which no interface could use.
export function checkClaim(address: string, prefixLength: number): number {
  const value = addressToNumber(address);
  const prefixOk = Number.isInteger(prefixLength) && prefixLength >= 0 && prefixLength <= 32;
  if (value === undefined || !prefixOk) {
    throw new InvalidInputError(ERRORS.WPX_IPAM_INVALID_ADDRESS, `invalid address ${address}/${prefixLength}`);
  }
  if (Ipv4Subnet.containing(value, prefixLength).isNetworkOrBroadcast(value)) {
    throw new InvalidInputError(
      ERRORS.WPX_IPAM_INVALID_ADDRESS,
      `address ${address}/${prefixLength} is the network or broadcast address of its subnet`,
    );
  }
  return value;
}
