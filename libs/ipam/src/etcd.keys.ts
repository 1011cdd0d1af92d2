import { AddressSpan } from './lease.store';

/**
 * Key layout under the store's prefix. Addresses are zero-padded (`010.032.000.001`) so that etcd's
 * byte order is address order: a subnet's leases are one range read, and the keys stay readable
 * with etcdctl.
 *   addr/<padded address>            -> lease JSON (the uniqueness key)
 *   owner/<owner>/<padded address>   -> lease JSON (index for find/release by owner)
 *   cursor/<subnet CIDR>             -> last allocated address of that subnet
 *   meta/range                       -> the allocation range every proxy of this prefix uses
 */
export const EtcdKeys = {
  address: (address: string): string => `addr/${pad(address)}`,
  owner: (owner: string, address: string): string => `owner/${owner}/${pad(address)}`,
  ownerPrefix: (owner: string): string => `owner/${owner}/`,
  cursor: (subnet: string): string => `cursor/${subnet}`,
  range: 'meta/range',
  addressPrefix: 'addr/',
  // '~' sorts after every digit and '.', so the end key is just past the last address of the span.
  addressRange: (span: AddressSpan) => ({ start: `addr/${pad(span.first)}`, end: `addr/${pad(span.last)}~` }),
};

function pad(address: string): string {
  return address
    .split('.')
    .map((octet) => octet.padStart(3, '0'))
    .join('.');
}
