import { Module } from '@nestjs/common';
import { DockerModule } from '@app/docker';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';
import { dockerTlsMaterial } from '../config/tls.files';

// One DynamicModule object: NestJS 11 identifies dynamic modules by reference, so every importer
// of DockerClientModule shares one DockerClient (one keep-alive pool to dockerd).
const docker = DockerModule.registerAsync({
  useFactory: (config: ProxyConfig) => ({
    host: config.dockerHost,
    tls: config.dockerTlsVerify,
    tlsFiles: dockerTlsMaterial(config),
  }),
  inject: [PROXY_CONFIG],
});

/** The Docker client (`-H`, `--docker-tls*`), for every part that talks to dockerd. */
@Module({ imports: [docker], exports: [docker] })
export class DockerClientModule {}
