import { Inject, Injectable } from '@nestjs/common';
import { ContainerInspect, DockerApiError, DockerClient } from '@app/docker';
import { WeaveCidrRequest } from '../cidr/weave-cidr.parser';
import { isOursAtRuntime } from '../selection/container-selection';
import { InterfaceAddress, NetnsState, NETWORK_DRIVER, NetworkDriver } from '../network/network.driver';
import { rewriteHostsFile } from '../hosts/hosts-file.writer';
import { ADDRESS_ALLOCATOR, AddressAllocator } from './address.allocator';
import { AddressBook } from './address.book';
import { AttachFailedError } from './attach.errors';
import { NetnsConverger } from './netns.converger';
import { WEAVE_OPTIONS, WeaveOptions } from './weave.options';

export type AttachOutcome =
  | { state: 'attached'; id: string; name: string; addresses: InterfaceAddress[] }
  | { state: 'not-ours' | 'not-running'; id: string; name: string; reason: string };

/**
 * Attaches one container to the weave network, idempotently: whatever is already in place is
 * kept, what is missing is added, what should not be there is removed. Callers (the start
 * endpoint through the controller, the controller's resync) never need to know what was
 * there before.
 */
@Injectable()
export class AttachService {
  private readonly book = new AddressBook();
  private readonly converger: NetnsConverger;

  constructor(
    private readonly docker: DockerClient,
    @Inject(NETWORK_DRIVER) private readonly driver: NetworkDriver,
    @Inject(ADDRESS_ALLOCATOR) private readonly allocator: AddressAllocator,
    @Inject(WEAVE_OPTIONS) private readonly options: WeaveOptions,
  ) {
    this.converger = new NetnsConverger(driver, options);
  }

  /** Creates the weave bridge when it is missing (at boot, before the first attach). */
  async ensureBridge(): Promise<void> {
    await this.converger.ensureBridge();
  }

  /** The container this proxy last attached with that address (id and name), if any. */
  holderOf(address: string): { id: string; name: string } | undefined {
    return this.book.holderOf(address);
  }

  /** The addresses (without prefix) this proxy last attached the container with; empty when none. */
  addressesOf(containerId: string): string[] {
    return this.book.addressesOf(containerId);
  }

  async attach(containerId: string): Promise<AttachOutcome> {
    return this.attachInspected(await this.docker.inspectContainer(containerId));
  }

  async attachInspected(c: ContainerInspect): Promise<AttachOutcome> {
    const name = c.Name.replace(/^\//, '');
    const base = { id: c.Id, name };
    if (!c.State.Running || !c.State.Pid) return { ...base, state: 'not-running', reason: c.State.Status };
    const selection = isOursAtRuntime(c, this.options.withIpam, this.options.weavewaitDir);
    if (!selection.ours) return { ...base, state: 'not-ours', reason: selection.reason };
    const requests: WeaveCidrRequest[] =
      selection.spec.kind === 'requests' ? selection.spec.requests : [{ kind: 'allocate', text: '' }];
    const state = await this.converger.read(name, c.State.Pid);
    const current = state.ethwe?.addresses ?? [];
    // The allocator's store is the one owner of every address; it asks us about a holder.
    const stale = (holderId: string) => this.holderStopped(holderId);
    const addresses = await this.allocator.acquire(c.Id, requests, { name, current, stale });
    await this.applyOrRollBack(c, state, addresses);
    this.book.record(base, addresses);
    return { ...base, state: 'attached', addresses };
  }

  /**
   * Converges the namespace and /etc/hosts. On failure a first attach is undone completely (veth
   * removed, addresses released); a container that already had ethwe keeps what it had.
   */
  private async applyOrRollBack(c: ContainerInspect, state: NetnsState, addresses: InterfaceAddress[]): Promise<void> {
    const name = c.Name.replace(/^\//, '');
    const fresh = !state.ethwe && this.book.addressesOf(c.Id).length === 0;
    try {
      await this.converger.converge(name, c.State.Pid, addresses, state);
      if (this.options.rewriteHosts && c.HostsPath) await this.rewriteHosts(c, addresses);
    } catch (err) {
      if (fresh) {
        await this.converger.remove(c.State.Pid).catch(() => undefined);
        await this.allocator.release(c.Id).catch(() => undefined);
      }
      throw err;
    }
  }

  /** ethwe of a running container as it is now (undefined when it has none). */
  async weaveInterface(c: ContainerInspect): Promise<NetnsState['ethwe']> {
    if (!c.State.Running || !c.State.Pid) return undefined;
    return (await this.converger.read(c.Name.replace(/^\//, ''), c.State.Pid)).ethwe;
  }

  /**
   * Releases every owner that is not a live container (at start). `listedAt`: when `live` was
   * listed; addresses acquired since then are kept (their containers may be newer than the list).
   */
  async prune(live: ReadonlySet<string>, listedAt: Date): Promise<void> {
    await this.allocator.prune?.(live, listedAt);
  }

  /** Whether the container's process still exists (dockerd notices an exit a little later). */
  processAlive(pid: number): Promise<boolean> {
    return this.driver.processAlive(pid);
  }

  /** Whether the container is ours (an unparseable WEAVE_CIDR counts: it is ours, but broken). */
  isOurs(c: ContainerInspect): boolean {
    try {
      return isOursAtRuntime(c, this.options.withIpam, this.options.weavewaitDir).ours;
    } catch {
      return true;
    }
  }

  /** The container is gone for good: its addresses go back to the pool. */
  async release(containerId: string): Promise<void> {
    this.book.forget(containerId);
    await this.allocator.release(containerId);
  }

  // A holder that no longer runs has no ethwe to keep the address on: a claim takes it over (a
  // later start of the holder then fails at once, naming the new holder).
  private async holderStopped(holderId: string): Promise<boolean> {
    if (await this.isRunning(holderId)) return false;
    this.book.forget(holderId);
    return true;
  }

  private async isRunning(id: string): Promise<boolean> {
    try {
      return (await this.docker.inspectContainer(id)).State.Running;
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return false;
      throw err;
    }
  }

  private async rewriteHosts(c: ContainerInspect, addresses: InterfaceAddress[]): Promise<void> {
    await rewriteHostsFile(c.HostsPath as string, {
      hostname: c.Config.Hostname ?? '',
      domainname: c.Config.Domainname || undefined,
      addresses: addresses.map((a) => a.address),
      extraHosts: c.HostConfig.ExtraHosts ?? [],
    }).catch((err: Error) => {
      throw new AttachFailedError(c.Name.replace(/^\//, ''), `rewriting /etc/hosts: ${err.message}`);
    });
  }
}
