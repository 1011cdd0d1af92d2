/**
 * The Docker endpoints whose answer dockerd may turn into a raw stream even when the request did
 * not ask for an upgrade: exec start and attach (moby api/server/router/container,
 * `postContainerExecStart` and `postContainersAttach`, which call `httputils.HijackConnection`
 * and answer `200 OK` + `application/vnd.docker.raw-stream` without `Upgrade`). `url` is the
 * request target as sent (optional `/v1.NN` prefix, optional query).
 */
export const HIJACK_TARGET = /^(?:\/v[0-9.]+)?\/(?:exec\/[^/?]+\/start|containers\/[^/?]+\/attach)(?:\?|$)/;

/** Whether a `POST` to `url` may be hijacked by dockerd (see `HIJACK_TARGET`). */
export function mayHijack(method: string | undefined, url: string | undefined): boolean {
  return method === 'POST' && url !== undefined && HIJACK_TARGET.test(url);
}
