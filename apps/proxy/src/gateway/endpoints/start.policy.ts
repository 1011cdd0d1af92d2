import { isDomainError } from '@app/common';
import { ShutDownError } from '../../controller/work.queue';

/** What a start answers when its attach did not succeed. */
export interface StartFailure {
  /** Kill the container: its process still waits in /w/w and must not run unattached. */
  readonly kill: boolean;
  readonly status: number;
  /** One line; the docker CLI prints it after "Error response from daemon: ". */
  readonly message: string;
}

/**
 * The start endpoint's policy (issue 14 item 5). Only a terminal error kills: one retrying
 * cannot fix (a bad WEAVE_CIDR, an address in use) or the attach deadline, each saying which. A
 * proxy shutting down leaves the container waiting: the next proxy attaches it at its first
 * resync. Anything else (dockerd's 4xx for the container, an unexpected error) kills nothing
 * either; the controller keeps converging the container.
 */
export function startFailure(err: unknown): StartFailure {
  const message = oneLine(err);
  if (err instanceof ShutDownError) {
    return { kill: false, status: 503, message: `${message}; the container will be attached when it is back` };
  }
  if (isDomainError(err) && err.terminal) return { kill: true, status: 500, message };
  return { kill: false, status: isDomainError(err) ? err.status : 500, message };
}

function oneLine(err: unknown): string {
  const text = isDomainError(err) ? err.message : 'weave proxy: attaching the container failed (see the proxy log)';
  return text.replace(/\s*\n\s*/g, ' ');
}
