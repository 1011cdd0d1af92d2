import { ErrorCode, ErrorEntry } from './error.catalogue';

/**
 * Base of every error the product raises on purpose, built from its catalogue entry (see
 * error.catalogue.ts): `code` is stable (clients and tests match on it); `status` is the HTTP
 * status a client should see; `message` is one line for a person. `terminal` errors are not
 * retried by the controller (bad input, not a transient failure).
 */
export abstract class DomainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly terminal: boolean;

  constructor(entry: ErrorEntry<ErrorCode>, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = entry.code;
    // 'dockerd': the subclass passes dockerd's own status (DockerApiError); 502 until it does.
    this.status = entry.status === 'dockerd' ? 502 : entry.status;
    this.terminal = entry.terminal;
  }
}

/** A catalogue entry for bad input: a 400 that is never retried. */
export type InvalidInputEntry = ErrorEntry<ErrorCode> & { readonly status: 400; readonly terminal: true };

/** Invalid input from a client or a container's configuration: never retried. */
export class InvalidInputError extends DomainError {
  constructor(entry: InvalidInputEntry, message: string) {
    super(entry, message);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
