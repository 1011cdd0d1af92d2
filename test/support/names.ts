import { dockerApi } from './http.client';

/** Prefix of every container name this test process creates. */
export const RUN_PREFIX = `wpt-${process.pid}-`;

let counter = 0;

/** A container (or image tag) name unique to this run: `wpt-<pid>-<n>[-label]`. */
export function uniqueName(label?: string): string {
  counter += 1;
  return `${RUN_PREFIX}${counter}${label ? `-${label}` : ''}`;
}

interface ContainerSummary {
  Id: string;
  Names: string[];
}

/**
 * Force-removes, directly through dockerd, every container whose name starts with this run's
 * prefix. Call it in `after` so that a failed test leaves nothing behind.
 */
export async function removeRunContainers(): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ name: [`^/${RUN_PREFIX}`] }));
  const containers = await dockerApi<ContainerSummary[]>(
    'GET',
    `/containers/json?all=1&filters=${filters}`,
  );
  for (const c of containers) {
    if (!c.Names.some((n) => n.startsWith(`/${RUN_PREFIX}`))) continue;
    await dockerApi('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined);
  }
}

/** Removes image references (tags) directly through dockerd, ignoring ones already gone. */
export async function removeImages(refs: string[]): Promise<void> {
  for (const ref of refs) {
    await dockerApi('DELETE', `/images/${encodeURIComponent(ref)}?force=1`).catch(() => undefined);
  }
}
