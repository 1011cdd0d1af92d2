import { EndpointRecord } from '../endpoints/endpoint';
import { PeerView } from '../peer.directory';
import { SerialRunner, applyEach } from '../serial';
import { unicastPlan } from './unicast.plan';
import { MacTarget, VxlanDriver } from './vxlan.driver';

export interface FdbChange {
  /** Underlay addresses given an all-zero (flood) entry. */
  readonly added: string[];
  /** Underlay addresses whose flood entry was removed. */
  readonly removed: string[];
  /** Unicast entries made or re-pointed, `<mac>><address>`. */
  readonly macsSet: string[];
  /** Unicast entries removed, `<mac>><address>`. */
  readonly macsRemoved: string[];
  /** One line per entry that could not be changed; the next convergence tries again. */
  readonly errors: string[];
}

/**
 * Level-triggered: makes the device's FDB (bridge(8) `fdb`, RFC 7348 §4) exactly what the peers and
 * their endpoint records say: one all-zero entry per live peer other than this host (broadcast,
 * ARP and unknown unicast are replicated to each), and one unicast entry per remote container's MAC
 * towards its live peer's underlay address. It reads the kernel's entries each time (never a
 * remembered copy), so a missed watch event, a restart, or an entry changed by hand is repaired at
 * the next call. Call it at start, after each sync and periodically; calls never overlap.
 */
export class FdbConverger {
  private readonly serial = new SerialRunner();

  constructor(
    private readonly driver: VxlanDriver,
    private readonly device: string,
  ) {}

  /** `endpoints`: every host's records (this host's and dead peers' are ignored). Rejects when the device is missing. */
  converge(view: PeerView, endpoints: readonly EndpointRecord[] = []): Promise<FdbChange> {
    return this.serial.run(() => this.once(view, endpoints));
  }

  private async once(view: PeerView, endpoints: readonly EndpointRecord[]): Promise<FdbChange> {
    const errors: string[] = [];
    const remote = view.live.filter((p) => p.id !== view.self.id && p.address !== view.self.address);
    const wanted = new Set(remote.map((p) => p.address));
    const present = new Set(await this.driver.floodTargets(this.device));
    const add = [...wanted].filter((a) => !present.has(a)).sort();
    const drop = [...present].filter((a) => !wanted.has(a)).sort();
    const added = await applyEach(add, (a) => this.driver.addFloodTarget(this.device, a), 'adding', errors);
    const removed = await applyEach(drop, (a) => this.driver.removeFloodTarget(this.device, a), 'removing', errors);
    const plan = unicastPlan(remote, endpoints, await this.driver.macTargets(this.device));
    const label = (t: MacTarget) => `${t.mac}>${t.address}`;
    const set = await applyEach(plan.set, (t) => this.driver.setMacTarget(this.device, t), 'pointing', errors, label);
    const gone = await applyEach(plan.remove, (t) => this.driver.removeMacTarget(this.device, t), 'removing', errors, label);
    return { added, removed, macsSet: set.map(label), macsRemoved: gone.map(label), errors };
  }
}
