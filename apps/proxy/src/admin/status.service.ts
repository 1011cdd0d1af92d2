import { Inject, Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { IpamAllocator } from '@app/ipam';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { ContainerController } from '../controller/container.controller';
import { ContainerStatus, ContainerStatusStore } from '../controller/container.status';
import { ListenerService } from '../listen/listener.service';
import { VERSION } from '../version';
import { AdminListenerService } from './admin.listener';
import { ContainersQuery } from './containers.query';

export interface DockerStatus {
  host: string;
  reachable: boolean;
  version?: string;
  apiVersion?: string;
  error?: string;
}

export interface AllocationView {
  containerId: string;
  name?: string;
  address: string;
  prefixLength: number;
  subnet: string;
  host: string;
  /** The reserving peer's id, with `--store etcd://` (reclaimed with that peer). */
  peer?: string;
  since: string;
}

/** Gathers what the admin API reports; each part comes from the component that owns it. */
@Injectable()
export class StatusService {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    private readonly docker: DockerClient,
    private readonly listeners: ListenerService,
    private readonly controller: ContainerController,
    private readonly statuses: ContainerStatusStore,
    private readonly ipam: IpamAllocator,
    private readonly adminListeners: AdminListenerService,
  ) {}

  async status(): Promise<Record<string, unknown>> {
    const [docker, ipam] = await Promise.all([this.dockerStatus(), this.ipamStatus()]);
    const stats = this.controller.stats();
    return {
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      listen: this.listeners.addresses,
      adminListen: this.adminListeners.addresses,
      docker,
      ipam,
      dns: { enabled: this.config.withDns, domain: this.config.dnsDomain },
      controller: {
        queueDepth: stats.queueDepth,
        lastResync: stats.lastResync?.toISOString() ?? null,
        eventsReceived: stats.eventsReceived,
        reconnects: stats.reconnects,
        containers: this.statuses.countByPhase(),
      },
    };
  }

  containers(q: ContainersQuery): ContainerStatus[] {
    const name = q.name?.replace(/^\//, '');
    return this.statuses.list().filter((s) => (!q.phase || s.phase === q.phase) && (!name || s.name === name));
  }

  async allocations(): Promise<AllocationView[]> {
    const leases = await this.ipam.list();
    return leases.map((l) => ({
      containerId: l.owner,
      name: l.name ?? this.statuses.get(l.owner)?.name,
      address: l.address,
      prefixLength: l.prefixLength,
      subnet: l.subnet,
      host: l.host,
      ...(l.peer === undefined ? {} : { peer: l.peer }),
      since: l.since,
    }));
  }

  async readiness(): Promise<{ ready: boolean; docker: boolean; resynced: boolean }> {
    const docker = (await this.dockerStatus()).reachable;
    const resynced = this.controller.stats().lastResync !== undefined;
    return { ready: docker && resynced, docker, resynced };
  }

  async dockerStatus(): Promise<DockerStatus> {
    const host = this.config.dockerHost;
    try {
      const v = await this.docker.version();
      return { host, reachable: true, version: v.Version, apiVersion: v.ApiVersion };
    } catch (err) {
      return { host, reachable: false, error: (err as Error).message };
    }
  }

  private async ipamStatus(): Promise<Record<string, unknown>> {
    try {
      return { store: this.config.store, ...(await this.ipam.usage()) };
    } catch (err) {
      return { store: this.config.store, range: this.config.iprange, error: (err as Error).message };
    }
  }
}
