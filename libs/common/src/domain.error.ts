/**
 * Base of every error the product raises on purpose. `code` is stable (clients and tests match on
 * it); `status` is the HTTP status a Docker client should see; `message` is one line for a person.
 * `terminal` errors are not retried by the controller (bad input, not a transient failure).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly status: number = 500;
  readonly terminal: boolean = false;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Invalid input from a client or a container's configuration: never retried. */
export class InvalidInputError extends DomainError {
  readonly code: string;
  override readonly status = 400;
  override readonly terminal = true;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
