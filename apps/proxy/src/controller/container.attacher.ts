/**
 * What the gateway's start endpoint waits on: resolves once the container is attached to the weave
 * network (or is not ours / not running). Retryable failures are retried up to the attach
 * deadline; it rejects only with a terminal error (the deadline's included) or when the proxy
 * shuts down, each naming the reason.
 */
export interface ContainerAttacher {
  attached(containerId: string): Promise<void>;
}

/** Provided by the controller (ContainerController). */
export const CONTAINER_ATTACHER = Symbol('CONTAINER_ATTACHER');
