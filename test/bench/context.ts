import { Side } from './interleave';

/** What every workload gets from the entry point. */
export interface BenchContext {
  /** Docker host URLs of both sides: dockerd's socket and the proxy on loopback TCP. */
  hosts: Record<Side, string>;
  /** Progress lines go to stderr so that stdout holds only the table and the JSON line. */
  progress(message: string): void;
}
