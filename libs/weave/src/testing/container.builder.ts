import { ContainerInspect } from '@app/docker';
import { WeaveOptions } from '../attach/weave.options';

export const WEAVEWAIT_DIR = '/var/lib/weave-proxy/weavewait';
export const WEAVEWAIT_BIND = `${WEAVEWAIT_DIR}:/w:ro`;
/** What dockerd reports as FinishedAt for a container that never stopped. */
export const NEVER = '0001-01-01T00:00:00Z';

export interface ContainerSpec {
  id?: string;
  name?: string;
  pid?: number;
  running?: boolean;
  finishedAt?: string;
  /** Shorthand for an Env holding `WEAVE_CIDR=<value>`; ignored when `env` is given. */
  weaveCidr?: string;
  env?: string[];
  hostname?: string;
  networkMode?: string;
  /** Defaults to the weavewait bind at /w (a container created through the proxy). */
  binds?: string[] | null;
  extraHosts?: string[];
  hostsPath?: string;
}

/** A `GET /containers/{id}/json` answer of a container created through the proxy. */
export function containerInspect(spec: ContainerSpec = {}): ContainerInspect {
  const id = spec.id ?? 'c1';
  const running = spec.running ?? true;
  const env = spec.env ?? ['PATH=/bin', ...(spec.weaveCidr === undefined ? [] : [`WEAVE_CIDR=${spec.weaveCidr}`])];
  return {
    Id: id,
    Name: `/${spec.name ?? id}`,
    Image: 'busybox',
    HostsPath: spec.hostsPath,
    State: {
      Running: running,
      Pid: running ? (spec.pid ?? 4242) : 0,
      Status: running ? 'running' : 'exited',
      FinishedAt: spec.finishedAt ?? NEVER,
    },
    Config: { Env: env, Hostname: spec.hostname ?? id },
    HostConfig: {
      NetworkMode: spec.networkMode ?? 'default',
      Binds: spec.binds === undefined ? [WEAVEWAIT_BIND] : spec.binds,
      ExtraHosts: spec.extraHosts ?? null,
    },
  };
}

/** The same container after its process exited at `finishedAt`. */
export function stoppedAt(c: ContainerInspect, finishedAt: string): ContainerInspect {
  return { ...c, State: { Running: false, Pid: 0, Status: 'exited', FinishedAt: finishedAt } };
}

/** The same container started again with a new process (and so a new namespace). */
export function restartedAs(c: ContainerInspect, pid: number): ContainerInspect {
  return { ...c, State: { Running: true, Pid: pid, Status: 'running', FinishedAt: c.State.FinishedAt } };
}

export function weaveOptions(overrides: Partial<WeaveOptions> = {}): WeaveOptions {
  return {
    bridge: 'weave',
    withIpam: false,
    weavewaitDir: WEAVEWAIT_DIR,
    rewriteHosts: false,
    multicastRoute: true,
    ...overrides,
  };
}
