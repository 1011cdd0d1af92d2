import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** The token under which the root pino logger is injected. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export function createRootLogger(level: string, destination: pino.DestinationStream = logDestination(1)): Logger {
  return pino({ level, base: { app: 'weave-proxy' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/**
 * Synchronous lines to `fd`, until the reader goes away: a write error (EPIPE once `| head` has its
 * lines, EBADF) silences the log for good instead of being thrown again on every line. Losing the
 * log must neither crash the proxy nor keep it from stopping (issue 15 item 5).
 */
export function logDestination(fd: number): pino.DestinationStream & { readonly broken: boolean } {
  const sink = pino.destination({ dest: fd, sync: true });
  let broken = false;
  sink.on('error', () => (broken = true));
  return {
    get broken() {
      return broken;
    },
    write(line: string) {
      if (!broken) sink.write(line);
    },
  };
}

/** Lets Nest's own messages go through the same structured logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
