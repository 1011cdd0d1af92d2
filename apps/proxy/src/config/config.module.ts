import { DynamicModule, Global, Module } from '@nestjs/common';
import { PROXY_CONFIG } from './config.tokens';
import { ProxyConfig } from './proxy.config';

/**
 * The frozen ProxyConfig under PROXY_CONFIG. Global because it is ambient: every part reads it and
 * none changes it. Built once by the config loader before the application exists.
 */
@Global()
@Module({})
export class ProxyConfigModule {
  static forRoot(config: Readonly<ProxyConfig>): DynamicModule {
    return {
      module: ProxyConfigModule,
      providers: [{ provide: PROXY_CONFIG, useValue: config }],
      exports: [PROXY_CONFIG],
    };
  }
}
