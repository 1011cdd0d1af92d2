import { CommandError } from '../network/command.runner';
import { InterfaceAddress, macForAddress, NetnsHandle, NetnsState, NetworkDriver } from '../network/network.driver';
import { sameAddress } from '../network/iproute.network-driver';
import { AttachFailedError } from './attach.errors';
import { WeaveOptions } from './weave.options';

/**
 * Brings a namespace's `ethwe` to exactly the desired addresses: creates the veth pair when it
 * is missing (with a MAC derived from the first address), adds missing addresses, removes extra
 * ones, brings it up, adds the multicast route. All of that happens behind the gate: the host end
 * of the pair stays down, so the container sees no carrier, until openGate, which the caller runs
 * last. A pair created by a failed call is removed again, however far the call got.
 */
// Errors that mean "the namespace is not what we just read", not "this cannot work".
const RACE = /File exists|Cannot find device|No such device/;

export class NetnsConverger {
  private bridge?: Promise<{ mtu: number }>;

  constructor(
    private readonly driver: NetworkDriver,
    private readonly options: WeaveOptions,
  ) {}

  ensureBridge(): Promise<{ mtu: number }> {
    this.bridge ??= this.driver.ensureBridge(this.options.bridge).catch((err: unknown) => {
      this.bridge = undefined;
      throw err;
    });
    return this.bridge;
  }

  /** The namespace as it is now. */
  read(name: string, ns: NetnsHandle): Promise<NetnsState> {
    return this.step(name, 'reading the container network', () => this.driver.inspectNetns(ns));
  }

  /**
   * Converges to `desired` (the gate excepted); `known` saves a read when the caller has just read
   * the namespace. A step that fails because the namespace changed under it (another attacher,
   * "File exists", "Cannot find device") is retried once from a fresh read. Answers whether the gate
   * still has to be opened (a pair was created, or the existing one has no carrier).
   */
  async converge(name: string, ns: NetnsHandle, desired: InterfaceAddress[], known?: NetnsState): Promise<boolean> {
    try {
      return await this.attempt(name, ns, desired, known);
    } catch (err) {
      if (!(err instanceof AttachFailedError && RACE.test(err.message))) throw err;
      await new Promise((r) => setTimeout(r, 50));
      return this.attempt(name, ns, desired);
    }
  }

  /** Lets the container's process run: brings the host end up, so ethwe gets carrier. */
  openGate(name: string, ns: NetnsHandle): Promise<void> {
    return this.step(name, 'bringing the host end of the veth pair up', () => this.driver.openGate(ns));
  }

  private async attempt(name: string, ns: NetnsHandle, desired: InterfaceAddress[], known?: NetnsState): Promise<boolean> {
    const step = <T>(what: string, fn: () => Promise<T>) => this.step(name, what, fn);
    const state = known ?? (await this.read(name, ns));
    let renameFrom: string | undefined;
    if (!state.ethwe) {
      const bridge = await step('creating the weave bridge', () => this.ensureBridge());
      const mtu = this.options.mtu ?? bridge.mtu;
      renameFrom = await this.undoing(ns, () =>
        step('creating the veth pair', () => this.driver.createVeth(ns, this.options.bridge, mtu)),
      );
    }
    const changes = this.changes(state, desired, renameFrom);
    const configure = () => step('configuring ethwe', () => this.driver.configureEthwe(ns, changes));
    await (renameFrom ? this.undoing(ns, configure) : configure());
    return Boolean(renameFrom) || !state.ethwe?.carrier;
  }

  /** Runs `fn`; if it fails, removes the pair (a step of it may have run) and rethrows. */
  private async undoing<T>(ns: NetnsHandle, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await this.driver.deleteVeth(ns).catch(() => undefined);
      throw err;
    }
  }

  /** Removes the veth pair of a namespace (undoing a first attach). */
  remove(ns: NetnsHandle): Promise<void> {
    return this.driver.deleteVeth(ns);
  }

  private changes(state: NetnsState, desired: InterfaceAddress[], renameFrom?: string) {
    const current = state.ethwe?.addresses ?? [];
    return {
      renameFrom,
      ...(renameFrom && desired[0] ? { mac: macForAddress(desired[0].address) } : {}),
      add: desired.filter((d) => !current.some((c) => sameAddress(c, d))),
      remove: current.filter((c) => !desired.some((d) => sameAddress(c, d))),
      up: !state.ethwe?.up,
      multicastRoute: this.options.multicastRoute && !state.multicastRoute,
    };
  }

  private async step<T>(name: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const cause = err instanceof CommandError ? err.message : (err as Error).message;
      throw new AttachFailedError(name, `${what}: ${cause}`);
    }
  }
}
