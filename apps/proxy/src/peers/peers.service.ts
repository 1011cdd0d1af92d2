import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeerDirectory, PeerView } from '@app/mesh';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { DataPlaneService } from './data-plane.service';
import { EndpointsService } from './endpoints.service';
import { PEER_DIRECTORY } from './peers.tokens';

/** What `GET /_weave/peers` answers: `enabled: false` without `--store etcd://`. */
export type PeersReport = { enabled: false } | ({ enabled: true } & PeerView);

/**
 * Runs the peer directory for the life of the proxy (joins at bootstrap, then starts the endpoint
 * records; leaves at shutdown so the others drop this host and its records at once) and mirrors
 * its view into `weave_proxy_peers{state}`. Without an etcd store there is no directory and this
 * does nothing.
 */
@Injectable()
export class PeersService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PEER_DIRECTORY) private readonly directory: PeerDirectory | null,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly dataPlane: DataPlaneService,
    private readonly endpoints?: EndpointsService,
  ) {
    this.log = root.child({ component: 'peers' });
  }

  private readonly log: Logger;

  async onApplicationBootstrap(): Promise<void> {
    if (!this.directory) return;
    this.directory.onChange((view) => {
      this.record(view);
      void this.dataPlane.converge(view);
    });
    await this.directory.start();
    await this.endpoints?.start();
    const view = this.directory.view();
    if (view.error) this.log.warn({ error: view.error }, 'peer registration failed; retried');
    else this.log.info({ peerId: view.self.id, address: view.self.address, live: view.live.length }, 'joined the peers');
  }

  async onApplicationShutdown(): Promise<void> {
    this.endpoints?.stop();
    await this.directory?.stop(true);
  }

  report(): PeersReport {
    return this.directory ? { enabled: true, ...this.directory.view() } : { enabled: false };
  }

  private record(view: PeerView): void {
    this.metrics.peers.set({ state: 'live' }, view.live.length);
    this.metrics.peers.set({ state: 'gone' }, view.gone.length);
  }
}
