export type Phase = 'attached' | 'waiting' | 'failed' | 'stopped' | 'not-ours';

/** What the controller last saw and did for one container (served at /_weave/containers). */
export interface ContainerStatus {
  id: string;
  name: string;
  ours: boolean;
  phase: Phase;
  addresses: string[];
  hostname?: string;
  /** Config.Domainname: weaveDNS registers `<hostname>.<domainname>` when it lies in its domain. */
  domainname?: string;
  /** ethwe's MAC while attached: peers on other hosts point their FDB entry for it at this host. */
  mac?: string;
  lastError?: string;
  lastReconcile: string;
}

/** The controller's view of every container it has reconciled; nothing here is durable. */
export class ContainerStatusStore {
  private readonly byId = new Map<string, ContainerStatus>();
  private readonly listeners = new Set<(id: string) => void>();

  /** Calls `listener` after every set or delete (weaveDNS rebuilds its records); answers the unsubscribe. */
  onChange(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(status: ContainerStatus): void {
    this.byId.set(status.id, status);
    this.changed(status.id);
  }

  get(id: string): ContainerStatus | undefined {
    return this.byId.get(id);
  }

  delete(id: string): void {
    if (this.byId.delete(id)) this.changed(id);
  }

  private changed(id: string): void {
    for (const listener of this.listeners) listener(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  list(): ContainerStatus[] {
    return [...this.byId.values()];
  }

  countByPhase(): Record<Phase, number> {
    const counts: Record<Phase, number> = { attached: 0, waiting: 0, failed: 0, stopped: 0, 'not-ours': 0 };
    for (const s of this.byId.values()) counts[s.phase]++;
    return counts;
  }
}
