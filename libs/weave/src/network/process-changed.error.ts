import { DomainError, ERRORS } from '@app/common';

/**
 * The container's process is gone, or its PID now names another process (reused during a crash
 * loop): nothing was done in any namespace. Not terminal: the controller reads the container
 * again and converges to what it is now.
 */
export class ProcessChangedError extends DomainError {
  constructor(pid: number, containerId: string, why: string) {
    super(ERRORS.WPX_PROCESS_CHANGED, `process ${pid} of container ${containerId.slice(0, 12)} ${why}`);
  }
}
