import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient, DockerTlsFiles } from './docker.client';
import { parseDockerEndpoint } from './docker-endpoint';

export interface DockerModuleOptions {
  host: string;
  tls?: boolean;
  tlsFiles?: DockerTlsFiles;
}

const DOCKER_CLIENT_CLOSER = Symbol('DOCKER_CLIENT_CLOSER');

@Injectable()
class DockerClientCloser implements OnApplicationShutdown {
  constructor(@Inject(DockerClient) private readonly client: DockerClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}

@Module({})
export class DockerModule {
  static register(options: DockerModuleOptions): DynamicModule {
    return {
      module: DockerModule,
      global: true,
      providers: [
        {
          provide: DockerClient,
          useFactory: () => new DockerClient(parseDockerEndpoint(options.host, options.tls), options.tlsFiles),
        },
        { provide: DOCKER_CLIENT_CLOSER, useClass: DockerClientCloser },
      ],
      exports: [DockerClient],
    };
  }
}
