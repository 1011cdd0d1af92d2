import { Side } from './interleave';

/** What every workload gets from the entry point. */
export interface BenchContext {
  /**
   * Docker host URLs: dockerd's socket, the proxy on loopback TCP and, when HAProxy is installed,
   * HAProxy (`mode tcp`) on loopback TCP in front of dockerd's socket.
   */
  hosts: Partial<Record<Side, string>> & { direct: string; proxy: string };
  /** The sides to interleave: direct, proxy and haproxy when it runs. */
  sides: readonly Side[];
  /** The relay process of each side (direct: dockerd), for CPU per unit of work; absent when unknown. */
  pids: Partial<Record<Side, number>>;
  /** Progress lines go to stderr so that stdout holds only the table and the JSON line. */
  progress(message: string): void;
}

/** The host URL of `side` (throws for a side that is not running: a bench bug). */
export function hostOf(ctx: BenchContext, side: Side): string {
  const host = ctx.hosts[side];
  if (!host) throw new Error(`no ${side} host in this run`);
  return host;
}
