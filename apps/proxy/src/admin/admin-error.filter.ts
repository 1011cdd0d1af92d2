import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { ErrorCode, ERRORS, isDomainError } from '@app/common';
import type { FastifyReply } from 'fastify';

const BY_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  [ERRORS.WPX_BAD_REQUEST, ERRORS.WPX_NOT_FOUND, ERRORS.WPX_METHOD_NOT_ALLOWED, ERRORS.WPX_UNAVAILABLE].map((e) => [e.status, e.code]),
);

/** The code of an HTTP error the framework raised: its own entry, else the generic 4xx or 5xx one. */
function codeOfStatus(status: number): ErrorCode {
  return BY_STATUS[status] ?? (status < 500 ? ERRORS.WPX_BAD_REQUEST.code : ERRORS.WPX_INTERNAL.code);
}

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
    return { status, code: codeOfStatus(status), message };
  }
  return { status: ERRORS.WPX_INTERNAL.status, code: ERRORS.WPX_INTERNAL.code, message: 'internal error (see the proxy log)' };
}
