import { Inject, Injectable } from '@nestjs/common';
import { Ipv4Address, Ipv4Cidr } from '@app/common';
import { EndpointRecord, FdbConverger, PeerView, VxlanDriver } from '@app/mesh';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { VXLAN_DRIVER } from './peers.tokens';

const LOOPBACK = Ipv4Cidr.parseNetwork('127.0.0.0/8');

/** The VXLAN device of the weave network. */
export const VXLAN_DEVICE = 'vxlan-weave';

/**
 * The kernel data plane between hosts: the VXLAN device enslaved to the weave bridge, with one
 * all-zero FDB entry per live remote peer and one unicast entry per remote container's MAC.
 * `converge(view)` is called after every peer sync (start, watch events, the periodic resync) and
 * `convergeEndpoints(records)` after every endpoint sync; each converges with the latest of both:
 * it (re)creates the device when missing, then converges the FDB. Failures are logged and left to the next call; they never stop the proxy. A peer address on
 * loopback (etcd on this machine, every proxy on it) reaches no other host: no device is made.
 */
@Injectable()
export class DataPlaneService {
  private readonly log: Logger;
  private readonly fdb: FdbConverger;
  private device: Promise<void> | undefined;
  private skipped = false;
  private view: PeerView | undefined;
  private endpoints: readonly EndpointRecord[] = [];

  constructor(
    @Inject(VXLAN_DRIVER) private readonly driver: VxlanDriver,
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ component: 'data-plane' });
    this.fdb = new FdbConverger(driver, VXLAN_DEVICE);
  }

  /** The peers changed (or the periodic resync): converges with them and the latest endpoint records. */
  async converge(view: PeerView): Promise<void> {
    this.view = view;
    await this.run(view);
  }

  /** The endpoint records changed: converges with them once a peer view is known. */
  async convergeEndpoints(records: readonly EndpointRecord[]): Promise<void> {
    this.endpoints = records;
    if (this.view) await this.run(this.view);
  }

  private async run(view: PeerView): Promise<void> {
    if (LOOPBACK.contains(Ipv4Address.parse(view.self.address))) {
      if (!this.skipped) this.log.info({ address: view.self.address }, 'peer address on loopback: no vxlan device');
      this.skipped = true;
      return;
    }
    try {
      await (this.device ??= this.ensureDevice(view.self.address));
      const change = await this.fdb.converge(view, this.endpoints);
      const { errors, ...made } = change;
      if (Object.values(made).some((list) => list.length > 0)) this.log.info(made, 'fdb entries changed');
      if (errors.length > 0) this.log.warn({ errors }, 'fdb entries not converged; retried');
    } catch (err) {
      this.device = undefined; // a device deleted by hand, or never made: made again next time
      this.log.warn({ error: (err as Error).message }, 'data plane not converged; retried');
    }
  }

  private async ensureDevice(localAddress: string): Promise<void> {
    const underlayDevice = await this.driver.deviceWithAddress(localAddress);
    if (!underlayDevice) throw new Error(`no interface holds the peer address ${localAddress} (--peer-address)`);
    const spec = { name: VXLAN_DEVICE, vni: this.config.vxlanVni, port: this.config.vxlanPort, underlayDevice, localAddress, bridge: this.config.bridge };
    const { mtu } = await this.driver.ensureDevice(spec);
    this.log.info({ ...spec, mtu }, 'vxlan device ready');
  }
}
