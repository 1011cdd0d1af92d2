import { Inject, Injectable } from '@nestjs/common';
import { CoalescingTask, EndpointDirectory, EndpointPublisher, EndpointRecord, EndpointRegistry, PeerDirectory, fqdnOf } from '@app/mesh';
import { ContainerStatus, ContainerStatusStore } from '../controller/container.status';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { DataPlaneService } from './data-plane.service';
import { ENDPOINT_REGISTRY, PEER_DIRECTORY } from './peers.tokens';

/** The periodic re-publish and re-read of the endpoint records, ms (watches and status changes are quicker). */
export const ENDPOINT_RESYNC_MS = 10_000;

/**
 * This host's attached containers published as endpoint records (under its peer lease) and every
 * host's records followed (`--store etcd://` only). Level-triggered both ways: the published set is
 * converged to the controller's attached containers at start, on every status change and every
 * ENDPOINT_RESYNC_MS; the directory re-reads the whole list on every watch event and as often.
 * Each directory sync feeds the data plane's unicast FDB entries and tells listeners (weaveDNS).
 * Failures are logged and retried by the next trigger; they never stop the proxy.
 */
@Injectable()
export class EndpointsService {
  private readonly log: Logger;
  private publisher: EndpointPublisher | undefined;
  private directory: EndpointDirectory | undefined;
  private readonly publish = new CoalescingTask(() => this.publishOnce());
  private readonly cleanups: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    @Inject(ENDPOINT_REGISTRY) private readonly registry: EndpointRegistry | null,
    @Inject(PEER_DIRECTORY) private readonly peers: PeerDirectory | null,
    private readonly statuses: ContainerStatusStore,
    private readonly dataPlane: DataPlaneService,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ component: 'endpoints' });
  }

  /** Starts publishing and following (after the peer directory started: the records need its lease). */
  async start(): Promise<void> {
    if (!this.registry || !this.peers) return;
    this.publisher = new EndpointPublisher(this.registry, this.peers.view().self.id);
    this.directory = new EndpointDirectory(this.registry, ENDPOINT_RESYNC_MS);
    this.directory.onChange((view) => {
      if (view.error) this.log.warn({ error: view.error }, 'endpoint records not read; the last known are kept');
      void this.dataPlane.convergeEndpoints(view.records);
      this.notify();
      // Own records gone (a lease lost and re-granted, a record deleted by hand): put back now, not
      // at the next period. Once converged a publish only reads, so this settles.
      void this.publish.run();
    });
    // `remote()` also depends on which peers are live.
    this.peers.onChange(() => this.notify());
    this.cleanups.push(this.statuses.onChange(() => void this.publish.run()));
    const timer = setInterval(() => void this.publish.run(), ENDPOINT_RESYNC_MS);
    timer.unref();
    this.cleanups.push(() => clearInterval(timer));
    await Promise.all([this.publish.run(), this.directory.start()]);
  }

  stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.directory?.stop();
  }

  /** Records of the containers of the other live hosts (this host's own are the controller's to tell). */
  remote(): EndpointRecord[] {
    if (!this.peers || !this.directory) return [];
    const { self, live } = this.peers.view();
    const others = new Set(live.filter((p) => p.id !== self.id).map((p) => p.id));
    return this.directory.view().records.filter((r) => others.has(r.peerId));
  }

  /** Calls `listener` after every directory sync; answers the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async publishOnce(): Promise<void> {
    const peerId = this.peers!.view().self.id;
    const wanted = this.statuses.list().flatMap((s) => (s.ours && s.phase === 'attached' && s.mac ? [toRecord(peerId, s, s.mac)] : []));
    const change = await this.publisher!.converge(wanted);
    if (change.put.length + change.removed.length > 0) this.log.info(change, 'endpoint records published');
    if (change.errors.length > 0) this.log.warn({ errors: change.errors }, 'endpoint records not published; retried');
  }
}

function toRecord(peerId: string, s: ContainerStatus, mac: string): EndpointRecord {
  const fqdn = fqdnOf(s.hostname, s.domainname);
  return { peerId, containerId: s.id, name: s.name, fqdns: fqdn ? [fqdn] : [], addresses: s.addresses, mac: mac.toLowerCase() };
}
