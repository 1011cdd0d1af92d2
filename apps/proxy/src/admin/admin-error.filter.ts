import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { isDomainError } from '@app/common';
import type { FastifyReply } from 'fastify';

const CODES: Record<number, string> = {
  400: 'WPX_BAD_REQUEST',
  404: 'WPX_NOT_FOUND',
  405: 'WPX_METHOD_NOT_ALLOWED',
  503: 'WPX_UNAVAILABLE',
};

/**
 * The admin API's one error shape: `{code, message}` with a stable code; never a stack trace or
 * internals. (The Docker API surface answers Docker's own `{message}` shape instead.)
 */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, message } = describe(err);
    void reply.status(status).header('content-type', 'application/json').send({ code, message });
  }
}

function describe(err: unknown): { status: number; code: string; message: string } {
  if (isDomainError(err)) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse() as { message?: string | string[] } | string;
    const raw = typeof body === 'string' ? body : body.message;
    const message = Array.isArray(raw) ? raw.join('; ') : (raw ?? err.message);
    return { status, code: CODES[status] ?? `WPX_HTTP_${status}`, message };
  }
  return { status: 500, code: 'WPX_INTERNAL', message: 'internal error (see the proxy log)' };
}
