import * as http from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ProxyConfig } from './config/proxy.config';
import { ListenerService, RequestHandler } from './listen/listener.service';
import { createRootLogger, NestPinoLogger } from './logging/logger';

/**
 * Starts the proxy and resolves when it has stopped (SIGTERM/SIGINT). Fastify never listens by
 * itself: its request handler is captured and mounted on our own listeners for `/_weave/` only.
 */
export async function launchProxy(config: ProxyConfig): Promise<void> {
  const log = createRootLogger(config.logLevel);
  let admin: RequestHandler | undefined;
  const adapter = new FastifyAdapter({
    serverFactory: (handler: unknown) => {
      admin = handler as RequestHandler;
      return http.createServer();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, log), adapter, {
    logger: new NestPinoLogger(log),
    abortOnError: false,
  });
  await app.init();
  await adapter.getInstance().ready();
  await app.get(ListenerService).start(admin as RequestHandler);
  log.info({ dockerHost: config.dockerHost }, 'weave proxy started');
  // Whoever reaches the proxy drives Docker: a stray socket error in one connection must not
  // take every other connection and the controller down with it. Logged loudly instead.
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception (kept serving)'));
  // Nest's enableShutdownHooks() re-raises the signal after closing, so the process would exit
  // 143; we close the same way (all shutdown hooks run) and then exit 0.
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.close();
  log.info('stopped');
}
