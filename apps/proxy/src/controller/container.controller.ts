import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isDomainError } from '@app/common';
import { ContainerInspect, DockerClient } from '@app/docker';
import { AttachService } from '@app/weave';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerAttacher } from './container.attacher';
import { Logger, ROOT_LOGGER } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { AttachWaiter } from './attach.waiter';
import { ContainerReconciler } from './container.reconciler';
import { EventWatcher } from './event.watcher';
import { WORK_QUEUE_OPTIONS, WorkQueue, WorkQueueOptions } from './work.queue';

/** What the controller has done so far, for the admin API (a snapshot; the controller owns it). */
export interface ControllerStats {
  queueDepth: number;
  lastResync?: Date;
  eventsReceived: number;
  reconnects: number;
}

/**
 * Keeps every container attached whatever restarted it. Triggers only enqueue container ids: the
 * event stream, a full resync at start and after every reconnect, and a periodic resync. The
 * gateway's start endpoint waits on the same queue, so there is one attach path.
 */
@Injectable()
export class ContainerController implements ContainerAttacher, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly queue: WorkQueue;
  private readonly waiter: AttachWaiter;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private lastResync?: Date;
  private eventsReceived = 0;
  private reconnects = 0;

  constructor(
    private readonly docker: DockerClient,
    private readonly reconciler: ContainerReconciler,
    private readonly attach: AttachService,
    private readonly watcher: EventWatcher,
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly metrics: MetricsService,
    @Inject(WORK_QUEUE_OPTIONS) queueOptions: WorkQueueOptions,
  ) {
    this.log = root.child({ component: 'controller' });
    const terminal = (err: unknown) => isDomainError(err) && err.terminal;
    this.queue = new WorkQueue((id) => this.process(id), terminal, queueOptions, (ms) => metrics.queueWait.observe(ms / 1000));
    const isOurs = (c: ContainerInspect) => attach.isOurs(c);
    this.waiter = new AttachWaiter({ docker, queue: this.queue, statuses: reconciler.statuses, isOurs }, config.attachTimeoutSeconds);
  }

  onApplicationBootstrap(): void {
    this.metrics.gauge('weave_proxy_queue_depth', 'Container ids waiting to be reconciled', [], async () => [
      [{}, this.queue.depth],
    ]);
    void this.watcher.run(this.abort.signal, {
      // A started process waits in /w/w for its attach: that key goes before exits and resyncs.
      // (Only the queue's order depends on the event; the reconcile never does.)
      onContainer: (id, action) => this.queue.add(id, action === 'start'),
      onConnected: () => void this.resync(),
      onReconnect: () => {
        this.reconnects++;
        this.metrics.reconnects.inc();
      },
      onEvent: () => {
        this.eventsReceived++;
        this.metrics.events.inc();
      },
    });
    this.timer = setInterval(() => void this.resync(), this.config.resyncIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    clearInterval(this.timer);
    await this.queue.stop();
  }

  stats(): ControllerStats {
    const { eventsReceived, reconnects, lastResync } = this;
    return { queueDepth: this.queue.depth, lastResync, eventsReceived, reconnects };
  }

  /**
   * Resolves once the container converged (attached, not ours, or not running), retrying what
   * can be retried up to `--attach-timeout`; rejects with a terminal error, `AttachDeadlineError`,
   * or `ShutDownError` (see AttachWaiter).
   */
  attached(idOrName: string): Promise<void> {
    return this.waiter.wait(idOrName);
  }

  async resync(): Promise<void> {
    try {
      // Taken before the list: the proxy already serves, so a container started while the list
      // is on its way is missing from it, and its fresh lease must survive the prune.
      const listedAt = new Date();
      const live = await this.docker.listContainers(true);
      const ids = new Set(live.map((c) => c.Id));
      for (const id of this.reconciler.statuses.ids()) ids.add(id); // gone ones get released
      if (!this.lastResync) await this.attach.prune(new Set(live.map((c) => c.Id)), listedAt);
      for (const id of ids) this.queue.add(id);
      this.lastResync = new Date();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'resync failed');
    }
  }

  private async process(id: string): Promise<void> {
    const end = this.metrics.reconcileDuration.startTimer({ controller: 'container' });
    const count = (result: string) => this.metrics.reconciles.inc({ controller: 'container', result });
    try {
      const result = await this.reconciler.reconcile(id);
      if (result.requeueAfterMs !== undefined) this.queue.addAfter(id, result.requeueAfterMs);
      count(result.requeueAfterMs !== undefined ? 'requeue' : 'success');
      this.log.debug({ container: id }, 'reconciled');
    } catch (err) {
      count('error');
      this.log.warn({ container: id, err: isDomainError(err) ? err.message : err }, 'reconcile failed');
      throw err;
    } finally {
      end();
    }
  }
}
