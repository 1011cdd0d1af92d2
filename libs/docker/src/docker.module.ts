import { DynamicModule, Inject, Injectable, Module, ModuleMetadata, OnApplicationShutdown } from '@nestjs/common';
import { DockerClient, DockerTlsFiles } from './docker.client';
import { parseDockerEndpoint } from './docker-endpoint';

export interface DockerModuleOptions {
  host: string;
  tls?: boolean;
  tlsFiles?: DockerTlsFiles;
}

/** Options that come from another provider (e.g. the proxy's config), as in NestJS's `registerAsync`. */
export interface DockerModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...deps: any[]) => DockerModuleOptions;
  readonly inject?: any[];
}

const DOCKER_MODULE_OPTIONS = Symbol('DOCKER_MODULE_OPTIONS');

@Injectable()
class DockerClientCloser implements OnApplicationShutdown {
  constructor(@Inject(DockerClient) private readonly client: DockerClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}

const CLIENT_PROVIDERS = [
  {
    provide: DockerClient,
    useFactory: (o: DockerModuleOptions) => new DockerClient(parseDockerEndpoint(o.host, o.tls), o.tlsFiles),
    inject: [DOCKER_MODULE_OPTIONS],
  },
  DockerClientCloser,
];

/** The one DockerClient (a keep-alive pool to dockerd), closed at shutdown. Not global: import it. */
@Module({})
export class DockerModule {
  static register(options: DockerModuleOptions): DynamicModule {
    return {
      module: DockerModule,
      providers: [{ provide: DOCKER_MODULE_OPTIONS, useValue: options }, ...CLIENT_PROVIDERS],
      exports: [DockerClient],
    };
  }

  static registerAsync(async: DockerModuleAsyncOptions): DynamicModule {
    return {
      module: DockerModule,
      imports: async.imports ?? [],
      providers: [
        { provide: DOCKER_MODULE_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] },
        ...CLIENT_PROVIDERS,
      ],
      exports: [DockerClient],
    };
  }
}
