import { ContainerInspect, DockerApiError, DockerClient } from '@app/docker';
import { AttachDeadlineError, AttachReportedError } from './attach.errors';
import { ContainerStatusStore } from './container.status';
import { WorkQueue } from './work.queue';

export interface AttachWaiterDeps {
  readonly docker: Pick<DockerClient, 'inspectContainer'>;
  readonly queue: Pick<WorkQueue, 'add' | 'addAndWait' | 'nextOutcome'>;
  readonly statuses: ContainerStatusStore;
  /** Whether the container went through the proxy and should be attached. */
  isOurs(c: ContainerInspect): boolean;
}

interface Progress {
  expired: boolean;
  /** How the deadline's message names the container: its name once inspected. */
  name: string;
  last?: unknown;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

/**
 * What a start waits for: the container converged (or needs nothing), within a deadline.
 * Retryable failures (store busy, dockerd 5xx or slow, a command that timed out) are retried by
 * the queue with its backoff meanwhile; a terminal one ends the wait at once. A container that
 * is not ours never waits on the queue, so stuck reconciles of others cannot hold its start.
 */
export class AttachWaiter {
  constructor(
    private readonly deps: AttachWaiterDeps,
    private readonly timeoutSeconds: number,
  ) {}

  /**
   * Resolves once the container is attached, not ours, or not running. Rejects with the terminal
   * error, `AttachDeadlineError` (naming the last retryable failure) when the deadline passed,
   * `ShutDownError` from the queue, or dockerd's 4xx for the container (e.g. no such container).
   */
  async wait(idOrName: string): Promise<void> {
    const progress: Progress = { expired: false, name: idOrName };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        progress.expired = true;
        reject(new AttachDeadlineError(progress.name, this.timeoutSeconds, progress.last));
      }, this.timeoutSeconds * 1000);
    });
    try {
      await Promise.race([this.converged(idOrName, progress), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async converged(idOrName: string, progress: Progress): Promise<void> {
    const c = await this.inspect(idOrName, progress);
    progress.name = c.Name.replace(/^\//, '');
    if (!this.deps.isOurs(c)) {
      this.deps.queue.add(c.Id);
      return;
    }
    // The queue is keyed by full id (events carry it): a start by name or short id must not run
    // a second, concurrent reconcile of the same container under another key.
    let outcome = await this.deps.queue.addAndWait(c.Id);
    while (!outcome.ok && !outcome.terminal && !progress.expired) {
      progress.last = outcome.error;
      outcome = await this.deps.queue.nextOutcome(c.Id);
    }
    if (!outcome.ok) throw outcome.error;
    // The run that served us may have found the container already stopped by an earlier failure.
    const status = this.deps.statuses.get(c.Id);
    if (status?.phase === 'failed') throw new AttachReportedError(status.lastError ?? 'attach failed');
  }

  // dockerd failing or slow is retried (100 ms doubling to 2 s); a 4xx answer is final.
  private async inspect(idOrName: string, progress: Progress): Promise<ContainerInspect> {
    for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        return await this.deps.docker.inspectContainer(idOrName);
      } catch (err) {
        if ((err instanceof DockerApiError && err.status < 500) || progress.expired) throw err;
        progress.last = err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
