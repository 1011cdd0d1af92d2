import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Lease } from '@app/ipam';
import { PeerDirectory, PeerView } from '@app/mesh';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { DataPlaneService } from './data-plane.service';
import { EndpointsService } from './endpoints.service';
import { LeaseReclaimer } from './lease.reclaimer';
import { PeerLinger } from './peer.linger';
import { PeersDisabledError, PeersUnknownError } from './peer.errors';
import { LEASE_RECLAIMER, PEER_DIRECTORY } from './peers.tokens';

/**
 * How long a peer that left keeps its flood entries here, ms: a restart of its proxy re-registers
 * well within it, so traffic to its (still running) containers goes on.
 */
export const PEER_LINGER_MS = 10_000;

/** What `GET /_weave/peers` answers: `enabled: false` without `--store etcd://`. */
export type PeersReport = { enabled: false } | ({ enabled: true } & PeerView);

/**
 * Runs the peer directory for the life of the proxy (joins at bootstrap, then starts the endpoint
 * records; leaves at shutdown so the others drop this host and its records at once), mirrors its view into `weave_proxy_peers{state}` and the data
 * plane, and reclaims dead peers' leases (`LeaseReclaimer`). Without an etcd store there is no
 * directory and this does nothing.
 */
@Injectable()
export class PeersService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PEER_DIRECTORY) private readonly directory: PeerDirectory | null,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly dataPlane: DataPlaneService,
    @Inject(LEASE_RECLAIMER) private readonly reclaimer: LeaseReclaimer | null,
    @Optional() @Inject(PeerLinger) linger?: PeerLinger,
    @Optional() private readonly endpoints?: EndpointsService,
  ) {
    this.linger = linger ?? new PeerLinger(PEER_LINGER_MS);
    this.log = root.child({ component: 'peers' });
  }

  private readonly log: Logger;
  private readonly linger: PeerLinger;
  private lingerTimer: NodeJS.Timeout | undefined;

  async onApplicationBootstrap(): Promise<void> {
    if (!this.directory) return;
    this.directory.onChange((view) => {
      this.record(view);
      this.convergeDataPlane(view);
      void this.reclaimer?.converge(view);
    });
    await this.directory.start();
    await this.endpoints?.start();
    const view = this.directory.view();
    if (view.error) this.log.warn({ error: view.error }, 'peer registration failed; retried');
    else this.log.info({ peerId: view.self.id, address: view.self.address, live: view.live.length }, 'joined the peers');
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.endpoints?.stop();
    await this.directory?.stop(true);
  }

  report(): PeersReport {
    return this.directory ? { enabled: true, ...this.directory.view() } : { enabled: false };
  }

  /**
   * `DELETE /_weave/peers/<id>` (`weave rmpeer`): reclaims the leases of a peer that is not live,
   * after reading the peer list again; returns them. Throws `PeerLiveError` (409) for a live peer,
   * `PeersDisabledError` (400) without etcd, `PeersUnknownError` (503) when the list cannot be read.
   */
  async removePeer(id: string): Promise<Lease[]> {
    if (!this.directory || !this.reclaimer) throw new PeersDisabledError();
    await this.directory.sync();
    const view = this.directory.view();
    if (view.error) throw new PeersUnknownError(view.error);
    return this.reclaimer.reclaimNow(view, id);
  }

  // The data plane keeps a peer that left for PEER_LINGER_MS (see PeerLinger), then converges again.
  private convergeDataPlane(view: PeerView): void {
    void this.dataPlane.converge(this.linger.apply(view));
    const next = this.linger.nextExpiryMs();
    clearTimeout(this.lingerTimer);
    if (next === undefined || !this.directory) return;
    const directory = this.directory;
    this.lingerTimer = setTimeout(() => this.convergeDataPlane(directory.view()), next + 10);
    this.lingerTimer.unref();
  }

  private record(view: PeerView): void {
    this.metrics.peers.set({ state: 'live' }, view.live.length);
    this.metrics.peers.set({ state: 'gone' }, view.gone.length);
  }
}
