import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { spawnDocker } from '../support/docker.cli';
import { uniqueName } from '../support/names';
import { BenchContext, hostOf } from './context';
import { interleave, Side } from './interleave';
import { BenchRow, sidedRow } from './result';
import { MB, msSince } from './stats';

const TOTAL = 100 * MB;
const CHUNK = randomBytes(MB);
const ROUNDS = 3;
const RUN_TIMEOUT_MS = 120_000;

/**
 * Workload 3: 100 MB piped through `docker run -i --rm busybox:local cat` by the real CLI and read
 * back; MB/s over the whole command (container create, start and removal included).
 */
export async function stdinBench(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.progress(`stdin 100 MB: ${ROUNDS} runs each way`);
  await catRoundTrip(ctx.hosts.direct); // warm-up
  const res = await interleave({ rounds: ROUNDS, budgetMs: 120_000, sides: ctx.sides }, (side: Side) => catRoundTrip(hostOf(ctx, side)));
  return [sidedRow('stdin 100 MB docker run -i cat', res, 'MB/s', true)];
}

/** One `docker run -i ... cat`, 100 MB in with backpressure, bytes counted out; answers MB/s. */
async function catRoundTrip(host: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawnDocker(['run', '-i', '--rm', '--name', uniqueName('cat'), 'busybox:local', 'cat'], { host });
  let received = 0;
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (received += c.length));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // pipeline() settles also when the CLI goes away early (its stdin closes): nothing waits forever.
  const fed = pipeline(Readable.from(chunks()), child.stdin!).catch((err: Error) => err);
  try {
    const code = await closed;
    child.stdin!.destroy(); // a no-op after a complete feed; otherwise it settles the pipeline
    const feedError = await fed;
    if (code !== 0) throw new Error(`docker run -i cat via ${host}: exit ${code}: ${stderr.trim()}`);
    if (feedError) throw new Error(`docker run -i cat via ${host}: writing stdin: ${feedError.message}`);
  } finally {
    clearTimeout(timer);
  }
  if (received !== TOTAL) throw new Error(`docker run -i cat via ${host}: got ${received} of ${TOTAL} bytes`);
  return TOTAL / MB / (msSince(start) / 1000);
}

function* chunks(): Generator<Buffer> {
  for (let sent = 0; sent < TOTAL; sent += CHUNK.length) yield CHUNK;
}
