import { DomainError, ERRORS } from '@app/common';

/** dockerd answered with a non-2xx status; `message` is dockerd's own text. */
export class DockerApiError extends DomainError {
  override readonly status: number;

  constructor(status: number, message: string) {
    super(ERRORS.WPX_DOCKER_API, message);
    this.status = status;
  }
}

/** dockerd accepted a call of the product's own but did not answer it in time. Retryable. */
export class DockerTimeoutError extends DomainError {
  constructor(method: string, path: string, timeoutMs: number) {
    super(ERRORS.WPX_DOCKER_TIMEOUT, `dockerd did not answer ${method} ${path.split('?')[0]} within ${timeoutMs / 1000}s`);
  }
}

/** dockerd could not be reached at all (socket missing, refused, reset). */
export class DockerUnavailableError extends DomainError {
  constructor(endpointUrl: string, cause: string) {
    super(ERRORS.WPX_DOCKER_UNAVAILABLE, `Cannot connect to the Docker daemon at ${endpointUrl}. Is the docker daemon running? (${cause})`);
  }
}
