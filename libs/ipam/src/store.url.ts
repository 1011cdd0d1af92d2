/** Where leases live: the embedded SQLite file, or a shared etcd cluster. */
export type StoreLocation = { readonly kind: 'sqlite' } | { readonly kind: 'etcd'; readonly endpoints: string[] };

const ETCD_SCHEME = 'etcd://';
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Parses `sqlite` or `etcd://host:port[,host:port...]` into a location whose etcd endpoints are
 * `http://host:port` URLs. Returns a problem description instead of throwing, so that option
 * validation can report it alongside the others.
 */
export function parseStoreUrl(store: string): StoreLocation | string {
  if (store === 'sqlite') return { kind: 'sqlite' };
  if (!store.startsWith(ETCD_SCHEME)) {
    return `${JSON.stringify(store)} must be "sqlite" or etcd://host:port[,host:port...]`;
  }
  const members = store.slice(ETCD_SCHEME.length).split(',');
  const bad = members.filter((member) => !isHostPort(member));
  if (bad.length > 0) {
    const listed = bad.map((member) => JSON.stringify(member)).join(', ');
    return `${JSON.stringify(store)} has invalid etcd endpoints ${listed} (expected host:port)`;
  }
  return { kind: 'etcd', endpoints: members.map((member) => `http://${member}`) };
}

function isHostPort(member: string): boolean {
  const match = HOST_PORT.exec(member);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535;
}
