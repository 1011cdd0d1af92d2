import * as readline from 'node:readline';
import { Inject, Injectable } from '@nestjs/common';
import { DockerClient, DockerEvent } from '@app/docker';
import { Logger, ROOT_LOGGER } from '../logging/logger';

export interface EventWatcherHooks {
  /** A container changed (`action`: the event's, e.g. `start`, `die`): its id goes on the queue. */
  onContainer(id: string, action: string): void;
  /** The stream is (re)connected: events may have been missed, so everything is resynced. */
  onConnected(): void;
  onReconnect(): void;
  onEvent(): void;
}

// Actions after which a container's network may need converging. exec_* and the like are noise.
const RELEVANT = new Set(['create', 'start', 'restart', 'die', 'kill', 'stop', 'destroy', 'pause', 'unpause', 'oom']);
const FILTERS = encodeURIComponent(JSON.stringify({ type: ['container'] }));

/**
 * Follows dockerd's event stream. Reconnects with capped backoff and asks for the events since
 * the last one seen; because dockerd may still drop events, every (re)connect triggers a resync.
 */
@Injectable()
export class EventWatcher {
  private since?: string;
  private readonly log: Logger;

  constructor(
    private readonly docker: DockerClient,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ component: 'controller' });
  }

  /** Follows the stream until `signal` aborts, calling `hooks` as it goes. Never rejects. */
  async run(signal: AbortSignal, hooks: EventWatcherHooks): Promise<void> {
    let delay = 100;
    while (!signal.aborted) {
      try {
        const path = `/events?filters=${FILTERS}${this.since ? `&since=${this.since}` : ''}`;
        const stream = await this.docker.stream(path, signal);
        hooks.onConnected();
        delay = 100;
        await this.consume(stream, hooks);
        this.log.warn('docker event stream ended');
      } catch (err) {
        if (signal.aborted) return;
        this.log.warn({ err: (err as Error).message }, 'docker event stream failed');
      }
      if (signal.aborted) return;
      hooks.onReconnect();
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 2000);
    }
  }

  private async consume(stream: NodeJS.ReadableStream, hooks: EventWatcherHooks): Promise<void> {
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      let ev: DockerEvent;
      try {
        ev = JSON.parse(line) as DockerEvent;
      } catch {
        continue;
      }
      hooks.onEvent();
      this.since = `${Math.floor(ev.timeNano / 1e9)}.${String(ev.timeNano % 1e9).padStart(9, '0')}`;
      if (ev.Type === 'container' && RELEVANT.has(ev.Action) && ev.Actor?.ID) hooks.onContainer(ev.Actor.ID, ev.Action);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
