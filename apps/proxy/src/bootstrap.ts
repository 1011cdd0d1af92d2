import * as http from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminListenerService } from './admin/admin.listener';
import { AppModule } from './app.module';
import { ProxyConfig } from './config/proxy.config';
import { ListenerService, RequestHandler } from './listen/listener.service';
import { createRootLogger, Logger, NestPinoLogger } from './logging/logger';
import { NO_SCHEMA_COMPILERS } from './memory/no-schema.compilers';

/**
 * Starts the proxy and resolves when it has stopped (SIGTERM/SIGINT). Fastify never listens by
 * itself: its request handler is captured and mounted on our own listeners for `/_weave/` only
 * (the `-L` Docker API listeners, and the `--admin-listen` ones that serve nothing else).
 */
export async function launchProxy(config: ProxyConfig): Promise<void> {
  const log = createRootLogger(config.logLevel);
  exitOnUncaught(log);
  let admin: RequestHandler | undefined;
  const adapter = new FastifyAdapter({
    schemaController: NO_SCHEMA_COMPILERS,
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
  await app.get(AdminListenerService).start(admin as RequestHandler);
  log.info({ dockerHost: config.dockerHost }, 'weave proxy started');
  // Nest's enableShutdownHooks() re-raises the signal after closing, so the process would exit
  // 143; we close the same way (all shutdown hooks run) and then exit 0.
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      forceExitAfter(SHUTDOWN_DEADLINE_MS, log);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.close();
  log.info('stopped');
}

// One signal always stops the proxy: whatever still holds the loop after this is cut off.
const SHUTDOWN_DEADLINE_MS = 10_000;
// EX_SOFTWARE (sysexits.h): an internal error; the supervisor restarts us and the controller resyncs.
const EXIT_BUG = 70;

/**
 * Errors are handled where they happen (per connection, per reconcile, the log stream). One that
 * escapes anyway leaves the process in an unknown state (Node documents that resuming after
 * 'uncaughtException' is unsafe): it is logged where possible and the process exits non-zero.
 */
export function exitOnUncaught(log: Logger): void {
  process.on('uncaughtException', (err) => {
    try {
      log.fatal({ err }, 'uncaught exception: exiting');
    } finally {
      process.exit(EXIT_BUG);
    }
  });
}

function forceExitAfter(ms: number, log: Logger): void {
  setTimeout(() => {
    log.error({ deadlineMs: ms }, 'shutdown did not finish in time: exiting');
    process.exit(1);
  }, ms).unref();
}
