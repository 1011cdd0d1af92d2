/**
 * What the start interceptor waits on: resolves once the container is attached to the weave
 * network (or is not ours / not running), rejects with the reason it could not be.
 */
export interface ContainerAttacher {
  attached(containerId: string): Promise<void>;
}

export const CONTAINER_ATTACHER = Symbol('CONTAINER_ATTACHER');
