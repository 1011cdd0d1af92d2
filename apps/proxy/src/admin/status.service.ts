import { Inject, Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { VERSION } from '../version';
import { ListenerService } from '../listen/listener.service';

export interface DockerStatus {
  host: string;
  reachable: boolean;
  version?: string;
  apiVersion?: string;
  error?: string;
}

/** Gathers what `/_weave/status` reports; each part comes from the component that owns it. */
@Injectable()
export class StatusService {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(PROXY_CONFIG) private readonly config: ProxyConfig,
    private readonly docker: DockerClient,
    private readonly listeners: ListenerService,
  ) {}

  async status(): Promise<Record<string, unknown>> {
    return {
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      listen: this.listeners.addresses,
      docker: await this.dockerStatus(),
    };
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
}
