import { ContainerInspect, ContainerSummary, DockerApiError, DockerClient } from '@app/docker';

/**
 * The few DockerClient methods the attach path and the controller use, over an in-memory set of
 * containers. `inspectContainer` answers 404 for an unknown id like dockerd does; `kill` stops the
 * container and records that it was killed.
 */
export class FakeDockerClient {
  readonly killed: string[] = [];
  /** Signals other than KILL sent with `kill` (they do not stop the container). */
  readonly signalled: Array<{ id: string; signal: string }> = [];
  private readonly containers = new Map<string, ContainerInspect>();
  private readonly inspectFailures: Error[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds or replaces containers (as they are now). */
  put(...containers: ContainerInspect[]): this {
    for (const c of containers) this.containers.set(c.Id, structuredClone(c));
    return this;
  }

  /** `docker rm`: the container is gone. */
  remove(id: string): void {
    this.containers.delete(id);
  }

  get(id: string): ContainerInspect | undefined {
    return this.containers.get(id);
  }

  failNextInspect(error: Error): this {
    this.inspectFailures.push(error);
    return this;
  }

  async inspectContainer(id: string): Promise<ContainerInspect> {
    const err = this.inspectFailures.shift();
    if (err) throw err;
    const c = this.containers.get(id);
    if (!c) throw new DockerApiError(404, `No such container: ${id}`);
    return structuredClone(c);
  }

  async kill(id: string, signal = 'KILL'): Promise<void> {
    if (signal !== 'KILL') {
      this.signalled.push({ id, signal });
      return;
    }
    this.killed.push(id);
    const c = this.containers.get(id);
    if (c?.State.Running) {
      c.State = { Running: false, Pid: 0, Status: 'exited', FinishedAt: new Date(this.now()).toISOString() };
    }
  }

  async listContainers(all = false): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => all || c.State.Running)
      .map((c) => ({ Id: c.Id, Names: [c.Name], State: c.State.Status }));
  }

  asClient(): DockerClient {
    return this as unknown as DockerClient;
  }
}
