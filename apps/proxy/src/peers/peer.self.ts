import { hostname } from 'node:os';
import { PeerRecord, loadOrCreateHostId } from '@app/mesh';
import { ProxyConfig } from '../config/proxy.config';
import { interfaceMtu, localAddressTowards } from './local.address';

/** The MTU announced while the bridge does not exist yet: an Ethernet underlay's, bytes. */
export const DEFAULT_BRIDGE_MTU = 1500;

/**
 * This host's peer record: the id kept in `--state-dir`, `--peer-address` or the local address that
 * reaches the first etcd endpoint, the weave bridge's MTU. Throws when the id file cannot be read or
 * written, or no address reaches etcd (the message says to set --peer-address).
 */
export async function buildSelf(config: ProxyConfig, etcdEndpoints: string[]): Promise<PeerRecord> {
  const id = loadOrCreateHostId(config.stateDir);
  const address = config.peerAddress ?? (await defaultAddress(etcdEndpoints[0]));
  const mtu = (await interfaceMtu(config.bridge)) ?? DEFAULT_BRIDGE_MTU;
  return { id, address, mtu, hostname: hostname(), since: new Date().toISOString() };
}

async function defaultAddress(endpoint: string): Promise<string> {
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  try {
    return await localAddressTowards(host, Number(url.port));
  } catch (err) {
    throw new Error(`no local address reaches etcd at ${url.host} (${(err as Error).message}); set --peer-address`);
  }
}
