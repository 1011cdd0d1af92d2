import { DomainError, ERRORS, isDomainError } from '@app/common';

/**
 * A start's attach did not converge within `--attach-timeout`, retries included. Terminal for
 * that start: the container is killed. `lastError` is the last retryable failure, if any.
 */
export class AttachDeadlineError extends DomainError {
  constructor(container: string, seconds: number, lastError?: unknown) {
    const last = lastError === undefined ? '' : `; last error: ${describe(lastError)}`;
    super(ERRORS.WPX_ATTACH_DEADLINE, `weave: container ${container} was not attached within the ${seconds}s attach timeout${last}`);
  }
}

/**
 * A failure recorded by an earlier reconcile of the same container (which stopped it). Terminal
 * for the waiting start, whatever the cause was: the container is already stopped.
 */
export class AttachReportedError extends DomainError {
  override readonly terminal = true;

  constructor(message: string) {
    super(ERRORS.WPX_ATTACH_FAILED, message);
  }
}

function describe(err: unknown): string {
  return isDomainError(err) ? err.message : 'internal error (see the proxy log)';
}
