import { DynamicModule, Global, Module } from '@nestjs/common';
import { Logger, ROOT_LOGGER } from './logger';

/** The root pino logger under ROOT_LOGGER. Global because it is ambient; parts take child loggers. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(log: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: ROOT_LOGGER, useValue: log }],
      exports: [ROOT_LOGGER],
    };
  }
}
