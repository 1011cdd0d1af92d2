import { rawRequest } from '../support/http.client';
import { dockerDirect } from '../support/docker.cli';
import { restartCount, startCrashLoop } from '../support/crash-loop';
import { uniqueName } from '../support/names';
import { BenchContext } from './context';
import { BenchRow } from './result';

const CONTAINERS = 5;
const LOOP_MS = 60_000;

/**
 * Crash loops (issue 14, item 7): five `--restart=always` containers whose process exits at once,
 * straight to dockerd and five through the proxy (with WEAVE_CIDR, so every restart is attached
 * before its process runs), side by side so both see the same load; restarts after 60 s. dockerd's
 * backoff (100 ms doubling to 1 min, reset after 10 s of running) is the floor of both: about 9 each
 * in 60 s. The note gives the proxy's mean time from dockerd's start to the gate opening.
 */
export async function crashLoopBench(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.progress(`crash loop: ${CONTAINERS} containers each side, ${LOOP_MS / 1000} s`);
  const direct = Array.from({ length: CONTAINERS }, (_, i) => uniqueName(`bench-crash-d${i}`));
  const proxied = Array.from({ length: CONTAINERS }, (_, i) => uniqueName(`bench-crash-p${i}`));
  try {
    await Promise.all([
      startCrashLoop(direct, () => '', CONTAINERS, ctx.hosts.direct),
      startCrashLoop(proxied, (i) => `10.40.1.${i + 1}/24`, CONTAINERS, ctx.hosts.proxy),
    ]);
    await new Promise((r) => setTimeout(r, LOOP_MS));
    const [d, p] = [await restartCount(direct), await restartCount(proxied)];
    return [{
      workload: `crash loop: restarts of ${CONTAINERS} containers in ${LOOP_MS / 1000} s`,
      direct: d,
      proxy: p,
      unit: 'restarts',
      higherIsBetter: true,
      note: await startToGateNote(ctx.hosts.proxy),
    }];
  } finally {
    await dockerDirect(['rm', '-f', ...direct, ...proxied], { timeoutMs: 120_000 });
  }
}

/** weave_proxy_start_to_gate_seconds as `mean X s over N restarts`. */
async function startToGateNote(proxyUrl: string): Promise<string | undefined> {
  const res = await rawRequest(proxyUrl, 'GET', '/_weave/metrics', { timeoutMs: 10_000 }).catch(() => undefined);
  const text = res?.body.toString() ?? '';
  const sum = Number(/^weave_proxy_start_to_gate_seconds_sum (\S+)$/m.exec(text)?.[1]);
  const count = Number(/^weave_proxy_start_to_gate_seconds_count (\S+)$/m.exec(text)?.[1]);
  if (!count) return undefined;
  return `crash loop: dockerd's start to the gate opening took ${(sum / count).toFixed(2)} s on average over ${count} starts`;
}
