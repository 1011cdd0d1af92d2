import { CommandError } from '../network/command.runner';
import { InterfaceAddress, NetnsState, NetworkDriver } from '../network/network.driver';
import { sameAddress } from '../network/iproute.network-driver';
import { AttachFailedError } from './attach.errors';
import { WeaveOptions } from './weave.options';

/**
 * Brings a namespace's `ethwe` to exactly the desired addresses: creates the veth pair when it
 * is missing, adds missing addresses, removes extra ones, brings it up, adds the multicast route
 * last (weavewait waits for it). A pair created by a failed call is removed again.
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
  read(name: string, pid: number): Promise<NetnsState> {
    return this.step(name, 'reading the container network', () => this.driver.inspectNetns(pid));
  }

  /**
   * Converges to `desired`; `known` saves a read when the caller has just read the namespace. A
   * step that fails because the namespace changed under it (another attacher, "File exists",
   * "Cannot find device") is retried once from a fresh read.
   */
  async converge(name: string, pid: number, desired: InterfaceAddress[], known?: NetnsState): Promise<void> {
    try {
      await this.attempt(name, pid, desired, known);
    } catch (err) {
      if (!(err instanceof AttachFailedError && RACE.test(err.message))) throw err;
      await new Promise((r) => setTimeout(r, 50));
      await this.attempt(name, pid, desired);
    }
  }

  private async attempt(name: string, pid: number, desired: InterfaceAddress[], known?: NetnsState): Promise<void> {
    const step = <T>(what: string, fn: () => Promise<T>) => this.step(name, what, fn);
    const state = known ?? (await this.read(name, pid));
    let renameFrom: string | undefined;
    if (!state.ethwe) {
      const { mtu } = await step('creating the weave bridge', () => this.ensureBridge());
      renameFrom = await step('creating the veth pair', () => this.driver.createVeth(pid, this.options.bridge, mtu));
    }
    try {
      await step('configuring ethwe', () => this.driver.configureEthwe(pid, this.changes(state, desired, renameFrom)));
    } catch (err) {
      if (renameFrom) await this.driver.deleteVeth(pid).catch(() => undefined);
      throw err;
    }
  }

  /** Removes the veth pair of a namespace (undoing a first attach). */
  remove(pid: number): Promise<void> {
    return this.driver.deleteVeth(pid);
  }

  private changes(state: NetnsState, desired: InterfaceAddress[], renameFrom?: string) {
    const current = state.ethwe?.addresses ?? [];
    return {
      renameFrom,
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
