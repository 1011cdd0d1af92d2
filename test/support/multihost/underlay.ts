import { run } from './exec';
import { addNetns, delNetns, netnsName } from './netns';

/**
 * The "physical" network between the hosts: a bridge `ul0` in a namespace of the test's own, and one
 * veth pair per host (`h<i>` on the bridge, `eth0` in the host's namespace). Addresses are in
 * 192.168.77.0/24 and exist only inside these namespaces: the bridge is .1 (etcd listens there),
 * host i is .(10+i).
 */
export const UNDERLAY_PREFIX = '192.168.77';
export const UNDERLAY_GATEWAY = `${UNDERLAY_PREFIX}.1`;
/** The underlay's MTU, as on a plain Ethernet; VXLAN needs 50 bytes of it. */
export const UNDERLAY_MTU = 1500;
/** The host's underlay interface, in its own namespace. */
export const HOST_UNDERLAY_DEV = 'eth0';

export const hostUnderlayAddress = (index: number): string => `${UNDERLAY_PREFIX}.${10 + index}`;

export interface Underlay {
  /** The namespace holding the bridge (and etcd). */
  readonly netns: string;
  /** Plugs host `index` (1-based) into the bridge: `eth0` in `hostNetns`, up, with its address. */
  plug(index: number, hostNetns: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startUnderlay(): Promise<Underlay> {
  const ns = netnsName('ul');
  await addNetns(ns);
  try {
    await run('ip', ['-n', ns, 'link', 'add', 'ul0', 'mtu', String(UNDERLAY_MTU), 'type', 'bridge']);
    await run('ip', ['-n', ns, 'addr', 'add', `${UNDERLAY_GATEWAY}/24`, 'dev', 'ul0']);
    await run('ip', ['-n', ns, 'link', 'set', 'ul0', 'up']);
  } catch (err) {
    await delNetns(ns);
    throw err;
  }
  return { netns: ns, plug: (index, hostNetns) => plug(ns, index, hostNetns), stop: () => delNetns(ns) };
}

async function plug(ns: string, index: number, hostNetns: string): Promise<string> {
  const port = `h${index}`;
  const address = hostUnderlayAddress(index);
  await run('ip', ['-n', ns, 'link', 'add', port, 'mtu', String(UNDERLAY_MTU), 'type', 'veth',
    'peer', 'name', HOST_UNDERLAY_DEV, 'netns', hostNetns]);
  await run('ip', ['-n', ns, 'link', 'set', port, 'master', 'ul0', 'up']);
  await run('ip', ['-n', hostNetns, 'addr', 'add', `${address}/24`, 'dev', HOST_UNDERLAY_DEV]);
  await run('ip', ['-n', hostNetns, 'link', 'set', HOST_UNDERLAY_DEV, 'up']);
  return address;
}
