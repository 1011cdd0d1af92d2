/**
 * What the gateway's start endpoint waits on: resolves once the container is attached to the weave
 * network (or is not ours / not running), rejects with the reason it could not be.
 */
export interface ContainerAttacher {
  attached(containerId: string): Promise<void>;
}

/** Provided by the controller (ContainerController). */
export const CONTAINER_ATTACHER = Symbol('CONTAINER_ATTACHER');
