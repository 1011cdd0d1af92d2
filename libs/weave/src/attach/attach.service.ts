import { Inject, Injectable } from '@nestjs/common';
import { ContainerInspect, DockerApiError, DockerClient } from '@app/docker';
import { WeaveCidrRequest } from '../cidr/weave-cidr.parser';
import { isOursAtRuntime } from '../selection/container-selection';
import { InterfaceAddress, macForAddress, NetnsHandle, NetnsState, NETWORK_DRIVER, NetworkDriver } from '../network/network.driver';
import { ProcessChangedError } from '../network/process-changed.error';
import { rewriteHostsFile } from '../hosts/hosts-file.writer';
import { ADDRESS_ALLOCATOR, AddressAllocator } from './address.allocator';
import { AddressBook } from './address.book';
import { AttachFailedError } from './attach.errors';
import { PhaseObserver, timed } from './attach.phases';
import { NetnsConverger } from './netns.converger';
import { WEAVE_OPTIONS, WeaveOptions } from './weave.options';

/** `mac`: ethwe's MAC (`aa:bb:cc:dd:ee:ff`) after the attach: other hosts' FDB entries point it at this host. */
export type AttachedOutcome = { state: 'attached'; id: string; name: string; addresses: InterfaceAddress[]; mac: string };
export type AttachOutcome = AttachedOutcome | { state: 'not-ours' | 'not-running'; id: string; name: string; reason: string };

/**
 * Runs once everything the container should see is in place but before its process may run:
 * what the container will look up besides its namespace (its weaveDNS name) is registered here.
 */
export type BeforeGate = (outcome: AttachedOutcome) => void | Promise<void>;

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
  /** `<id>:<pid>` of processes released by releaseUnattached. */
  private readonly released = new Set<string>();

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

  /**
   * Attaches a running container. Its namespace is opened once, through `State.Pid` (a PID that
   * meanwhile names another process is a ProcessChangedError, before anything is done), and every
   * step acts on that handle. Addresses, routes and /etc/hosts are put in place, then `beforeGate`
   * runs, then the gate opens (ethwe gets carrier): /w/w lets the process run only after all of it.
   * `observe` is told how long each step that ran took (AttachPhase; `open_gate` only when this
   * call opened the gate, i.e. a process waiting in /w/w may run now).
   */
  async attachInspected(c: ContainerInspect, beforeGate?: BeforeGate, observe?: PhaseObserver): Promise<AttachOutcome> {
    const name = c.Name.replace(/^\//, '');
    const base = { id: c.Id, name };
    if (!c.State.Running || !c.State.Pid) return { ...base, state: 'not-running', reason: c.State.Status };
    const selection = isOursAtRuntime(c, this.options.withIpam, this.options.weavewaitDir);
    if (!selection.ours) return { ...base, state: 'not-ours', reason: selection.reason };
    const requests: WeaveCidrRequest[] =
      selection.spec.kind === 'requests' ? selection.spec.requests : [{ kind: 'allocate', text: '' }];
    const ns = await timed(observe, 'open_netns', () => this.driver.openNetns(c.State.Pid, c.Id));
    try {
      const state = await timed(observe, 'read_netns', () => this.converger.read(name, ns));
      const current = state.ethwe?.addresses ?? [];
      // The allocator's store is the one owner of every address; it asks us about a holder.
      const stale = (holderId: string) => this.holderStopped(holderId);
      const addresses = await timed(observe, 'allocate', () => this.allocator.acquire(c.Id, requests, { name, current, stale }));
      const gateClosed = await this.applyOrRollBack(c, ns, state, addresses, observe);
      this.book.record(base, addresses);
      // A pair made by this attach got the MAC derived from its first address (NetnsConverger).
      const mac = state.ethwe?.mac ?? (addresses[0] ? macForAddress(addresses[0].address) : '');
      const outcome: AttachedOutcome = { ...base, state: 'attached', addresses, mac };
      await timed(observe, 'before_gate', async () => beforeGate?.(outcome));
      if (gateClosed) await timed(observe, 'open_gate', () => this.converger.openGate(name, ns));
      return outcome;
    } finally {
      await ns.close().catch(() => undefined);
    }
  }

  /**
   * Converges the namespace and /etc/hosts, behind the gate; answers whether the gate is still
   * closed. On failure a pair created by this attach is removed (converger) and a first attach
   * releases its addresses; a container that already had ethwe keeps what it had.
   */
  private async applyOrRollBack(
    c: ContainerInspect,
    ns: NetnsHandle,
    state: NetnsState,
    addresses: InterfaceAddress[],
    observe?: PhaseObserver,
  ): Promise<boolean> {
    const name = c.Name.replace(/^\//, '');
    const fresh = !state.ethwe && this.book.addressesOf(c.Id).length === 0;
    try {
      const gateClosed = await timed(observe, 'converge', () => this.converger.converge(name, ns, addresses, state));
      if (this.options.rewriteHosts && c.HostsPath) await timed(observe, 'hosts', () => this.rewriteHosts(c, addresses));
      return gateClosed;
    } catch (err) {
      if (fresh) {
        await this.converger.remove(ns).catch(() => undefined);
        await this.allocator.release(c.Id).catch(() => undefined);
      }
      throw err;
    }
  }

  /** ethwe of a running container as it is now (undefined when it has none or its process changed). */
  async weaveInterface(c: ContainerInspect): Promise<NetnsState['ethwe']> {
    if (!c.State.Running || !c.State.Pid) return undefined;
    const ns = await this.driver.openNetns(c.State.Pid, c.Id).catch((err: unknown) => {
      if (err instanceof ProcessChangedError) return undefined;
      throw err;
    });
    if (!ns) return undefined;
    try {
      return (await this.converger.read(c.Name.replace(/^\//, ''), ns)).ethwe;
    } finally {
      await ns.close().catch(() => undefined);
    }
  }

  /**
   * A running container that went through the proxy (its process is /w/w) but that the proxy will
   * not attach now (its network mode changed at start, or the proxy's options did): its weavewait
   * is released (SIGUSR2) so it runs without the weave network instead of waiting forever. Once per
   * process, and never after the gate opened (the app, not weavewait, would get the signal).
   * Answers whether it signalled.
   */
  async releaseUnattached(c: ContainerInspect): Promise<boolean> {
    if (!c.State.Running || !c.State.Pid || c.Config.Entrypoint?.[0] !== '/w/w') return false;
    const key = `${c.Id}:${c.State.Pid}`;
    if (this.released.has(key)) return false;
    if ((await this.weaveInterface(c))?.carrier) return false;
    this.released.add(key);
    await this.docker.kill(c.Id, 'SIGUSR2');
    return true;
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
