import { Injectable } from '@nestjs/common';
import { DockerClient } from '@app/docker';
import { DnsBridgeAddressError } from './dns.errors';

interface NetworkInspect {
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null };
}

/**
 * The default listen address of weaveDNS: dockerd's default bridge gateway (docker0's address,
 * e.g. 172.17.0.1), which every container on the default network reaches.
 */
@Injectable()
export class BridgeAddressProbe {
  constructor(private readonly docker: DockerClient) {}

  async gateway(): Promise<string> {
    const bridge = await this.docker.json<NetworkInspect>('GET', '/networks/bridge');
    const gateway = (bridge.IPAM?.Config ?? []).map((c) => c.Gateway).find((g) => g && !g.includes(':'));
    if (!gateway) {
      throw new DnsBridgeAddressError('the docker bridge network has no IPv4 gateway: give --dns-listen ADDR[:PORT]');
    }
    return gateway;
  }
}
