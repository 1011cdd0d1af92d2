import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

/**
 * The local IPv4 address the kernel would use as source to reach `host:port` (a route lookup: a UDP
 * socket is connected, which sends nothing, and its local address read). Rejects when there is no
 * route (ENETUNREACH) or `host` does not resolve.
 */
export function localAddressTowards(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.connect(port, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}

/** An interface's MTU (bytes) from sysfs; undefined when there is no such interface. */
export async function interfaceMtu(name: string): Promise<number | undefined> {
  try {
    return Number((await readFile(`/sys/class/net/${name}/mtu`, 'utf8')).trim());
  } catch {
    return undefined;
  }
}
