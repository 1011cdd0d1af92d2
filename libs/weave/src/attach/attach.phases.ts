/**
 * The steps of one attach, in the order they run, as the proxy's metrics name them
 * (`weave_proxy_reconcile_phase_seconds{phase}`): opening the container's namespace, reading it,
 * acquiring the addresses, converging ethwe (the veth pair, addresses, routes), rewriting
 * /etc/hosts, the caller's beforeGate (the weaveDNS name), opening the gate.
 */
export const ATTACH_PHASES = ['open_netns', 'read_netns', 'allocate', 'converge', 'hosts', 'before_gate', 'open_gate'] as const;
export type AttachPhase = (typeof ATTACH_PHASES)[number];

/** Told how long each step of an attach took (seconds), whether it succeeded or threw. */
export type PhaseObserver = (phase: AttachPhase, seconds: number) => void;

/** Runs `fn`, telling `observe` (if any) how long it took, success or not. */
export async function timed<T>(observe: PhaseObserver | undefined, phase: AttachPhase, fn: () => Promise<T>): Promise<T> {
  if (!observe) return fn();
  const started = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    observe(phase, Number(process.hrtime.bigint() - started) / 1e9);
  }
}
