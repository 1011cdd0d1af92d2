import { parseWeaveCidr, weaveCidrFromEnv, WeaveCidrSpec } from '../cidr/weave-cidr.parser';

/** The WEAVE_CIDR of a container that is ours: `absent` only when automatic allocation is on. */
export type OursSpec = Exclude<WeaveCidrSpec, { kind: 'none' }>;
export type Selection = { ours: true; spec: OursSpec } | { ours: false; reason: string };

export interface CreateSelectionInput {
  networkMode?: string;
  /** Request Env merged with the image's Env (see mergeEnv). */
  env: readonly string[];
  withIpam: boolean;
}

/** The parts of `GET /containers/{id}/json` the runtime decision reads. */
export interface InspectForSelection {
  Config?: { Env?: string[] | null } | null;
  HostConfig?: { NetworkMode?: string; Binds?: string[] | null } | null;
  Mounts?: Array<{ Destination?: string }> | null;
}

export const WEAVEWAIT_TARGET = '/w';

// Modes Docker resolves to the default bridge (or no network at all): attaching ethwe is safe.
const OUR_NETWORK_MODES = new Set(['', 'default', 'bridge', 'none']);

/**
 * Decides at create whether a container is ours (reference section 2). Left alone: host,
 * container:*, user-defined networks, WEAVE_CIDR=none, and no WEAVE_CIDR without automatic
 * allocation. Throws InvalidInputError WPX_INVALID_WEAVE_CIDR for an unparseable WEAVE_CIDR on
 * a container that would otherwise be ours.
 */
export function isOursAtCreate(input: CreateSelectionInput): Selection {
  const mode = input.networkMode ?? '';
  if (!OUR_NETWORK_MODES.has(mode)) return { ours: false, reason: `the container has '--net=${mode}'` };
  const spec = parseWeaveCidr(weaveCidrFromEnv(input.env));
  if (spec.kind === 'none') return { ours: false, reason: "the container was created with 'WEAVE_CIDR=none'" };
  if (spec.kind === 'absent' && !input.withIpam) {
    return { ours: false, reason: 'the container has no WEAVE_CIDR and automatic allocation is off' };
  }
  return { ours: true, spec };
}

/**
 * What to tell the user when a container is left alone for its network mode although it asked
 * for the weave network: it names a WEAVE_CIDR (other than `none`), or automatic allocation is on
 * and the mode is a user-defined network (docker-compose puts every service on one). Undefined
 * when the container is ours or was not asked to be. Goes into the create answer's `Warnings`,
 * which the docker CLI prints as `WARNING: ...`.
 */
export function notAttachedWarning(input: CreateSelectionInput): string | undefined {
  const mode = input.networkMode ?? '';
  if (OUR_NETWORK_MODES.has(mode)) return undefined;
  const cidr = weaveCidrFromEnv(input.env);
  if (cidr?.trim() === 'none') return undefined;
  const explicit = cidr !== undefined;
  const userNetwork = mode !== 'host' && !mode.startsWith('container:');
  if (!explicit && !(input.withIpam && userNetwork)) return undefined;
  const hint = userNetwork ? " (docker-compose: set 'network_mode: bridge')" : '';
  return `weave proxy: not attached to the weave network: '--net=${mode}' is left alone; only containers on the default bridge or --net=none are attached${hint}`;
}

/**
 * Decides at start/restart/exec whether a container is ours: the create rules on the container's
 * merged Config.Env, and it must carry the weavewait bind at `/w`, so containers created directly
 * on dockerd (which never got /w/w) are not touched. `weavewaitDir` is deliberately not compared
 * with the bind's source: containers created before the proxy's weavewait directory moved stay ours.
 */
export function isOursAtRuntime(inspect: InspectForSelection, withIpam: boolean, weavewaitDir: string): Selection {
  if (!hasWeavewaitMount(inspect)) {
    return { ours: false, reason: `the container has no weavewait mount at ${WEAVEWAIT_TARGET}` };
  }
  return isOursAtCreate({
    networkMode: inspect.HostConfig?.NetworkMode,
    env: inspect.Config?.Env ?? [],
    withIpam,
  });
}

function hasWeavewaitMount(inspect: InspectForSelection): boolean {
  const binds = inspect.HostConfig?.Binds ?? [];
  if (binds.some((bind) => bindTarget(bind) === WEAVEWAIT_TARGET)) return true;
  return (inspect.Mounts ?? []).some((m) => cleanTarget(m.Destination ?? '') === WEAVEWAIT_TARGET);
}

/** The container path of a `src:dst[:opts]` bind, trailing slashes removed; undefined if malformed. */
export function bindTarget(bind: unknown): string | undefined {
  if (typeof bind !== 'string') return undefined;
  const parts = bind.split(':');
  return parts.length >= 2 ? cleanTarget(parts[1]) : undefined;
}

function cleanTarget(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' && path !== '' ? '/' : trimmed;
}

/**
 * The Env a container will have, merged the way dockerd merges it at create: the request's entries
 * first, as given, then each image entry whose key the request does not mention (`KEY` without `=`
 * mentions it too). Mirroring dockerd keeps our create-time view equal to inspect's Config.Env.
 */
export function mergeEnv(
  imageEnv: readonly string[] | null | undefined,
  requestEnv: readonly string[] | null | undefined,
): string[] {
  const request = [...(requestEnv ?? [])];
  if (request.length === 0) return [...(imageEnv ?? [])];
  const keys = new Set(request.map(envKey));
  return [...request, ...(imageEnv ?? []).filter((entry) => !keys.has(envKey(entry)))];
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}
