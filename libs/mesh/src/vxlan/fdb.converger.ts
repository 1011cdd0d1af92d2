import { PeerView } from '../peer.directory';
import { VxlanDriver } from './vxlan.driver';

export interface FdbChange {
  readonly added: string[];
  readonly removed: string[];
  /** One line per entry that could not be changed; the next convergence tries again. */
  readonly errors: string[];
}

/**
 * Level-triggered: makes the device's all-zero FDB entries exactly the underlay addresses of the
 * live peers other than this host, reading the kernel's entries each time (never a remembered
 * copy), so a missed watch event, a restart, or an entry removed by hand is repaired at the next
 * call. Call it at start, after each peer sync and periodically; calls never overlap.
 */
export class FdbConverger {
  private running: Promise<FdbChange> | undefined;

  constructor(
    private readonly driver: VxlanDriver,
    private readonly device: string,
  ) {}

  converge(view: PeerView): Promise<FdbChange> {
    const next = (this.running ?? Promise.resolve()).then(() => this.once(view), () => this.once(view));
    this.running = next;
    return next;
  }

  private async once(view: PeerView): Promise<FdbChange> {
    const wanted = new Set(view.live.filter((p) => p.id !== view.self.id && p.address !== view.self.address).map((p) => p.address));
    const present = new Set(await this.driver.floodTargets(this.device));
    const errors: string[] = [];
    const apply = async (addresses: string[], op: (a: string) => Promise<void>, what: string) => {
      const done: string[] = [];
      for (const a of addresses) {
        await op(a).then(() => done.push(a), (err: Error) => errors.push(`${what} ${a}: ${err.message}`));
      }
      return done;
    };
    const added = await apply([...wanted].filter((a) => !present.has(a)).sort(), (a) => this.driver.addFloodTarget(this.device, a), 'adding');
    const removed = await apply([...present].filter((a) => !wanted.has(a)).sort(), (a) => this.driver.removeFloodTarget(this.device, a), 'removing');
    return { added, removed, errors };
  }
}
