import * as http from 'node:http';
import { dockerApi, endpointOf } from '../support/http.client';
import { uniqueName } from '../support/names';
import { BenchContext, hostOf } from './context';
import { cpuReadings, withRelayCpu } from './cpu.bench';
import { interleave, Side } from './interleave';
import { BenchRow, sidedRow } from './result';
import { MB, msSince } from './stats';
import { MuxPayloadCounter } from './stream.count';

const LOG_BYTES = 200 * MB;
const LINE = 1024;
const ROUNDS = 3;
const READ_TIMEOUT_MS = 120_000;
const WRITE_TIMEOUT_S = 240;

/**
 * Workload 2: a finished container's 200 MB of stdout (1 KiB lines, json-file log) read back
 * with `GET /containers/{id}/logs?stdout=1`, directly and through the proxy; MB/s of payload.
 */
export async function logsBench(ctx: BenchContext): Promise<BenchRow[]> {
  const workload = 'logs 200 MB stream';
  ctx.progress(`${workload}: writing the log`);
  const id = await writeLog();
  try {
    await readLogs(ctx.hosts.direct, id); // warm the page cache for both sides
    ctx.progress(`${workload}: ${ROUNDS} reads each way`);
    const cpu = cpuReadings();
    const res = await interleave({ rounds: ROUNDS, budgetMs: 120_000, sides: ctx.sides }, (side: Side) =>
      withRelayCpu(ctx, side, cpu, LOG_BYTES / MB, () => readLogs(hostOf(ctx, side), id)),
    );
    return [sidedRow(workload, res, 'MB/s', true), sidedRow(`${workload}: relay CPU per MB (direct: dockerd)`, cpu, 'ms/MB')];
  } finally {
    await dockerApi('DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
  }
}

/** Creates and runs (directly on dockerd) the container that prints the log; answers its id. */
async function writeLog(): Promise<string> {
  const line = `"$(head -c ${LINE - 1} /dev/zero | tr '\\0' x)"`;
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${uniqueName('logs')}`, {
    Image: 'busybox:local',
    Cmd: ['sh', '-c', `yes ${line} | head -c ${LOG_BYTES}`],
    HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
  });
  await dockerApi('POST', `/containers/${Id}/start`);
  const waited = await waitExit(Id);
  if (waited !== 0) throw new Error(`log writer exited with ${waited}`);
  return Id;
}

async function waitExit(id: string): Promise<number> {
  const deadline = Date.now() + WRITE_TIMEOUT_S * 1000;
  while (Date.now() < deadline) {
    const info = await dockerApi<{ State: { Running: boolean; ExitCode: number } }>('GET', `/containers/${id}/json`);
    if (!info.State.Running) return info.State.ExitCode;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`log writer still running after ${WRITE_TIMEOUT_S} s`);
}

/** Reads the whole log through `host`, checks the payload size, answers MB/s. */
function readLogs(host: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const counter = new MuxPayloadCounter();
    const start = process.hrtime.bigint();
    const path = `/containers/${id}/logs?stdout=1`;
    const req = http.get({ ...endpointOf(host), path, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET logs via ${host}: status ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => counter.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const ms = msSince(start);
        if (counter.payload !== LOG_BYTES) {
          return reject(new Error(`logs via ${host}: ${counter.payload} payload bytes, expected ${LOG_BYTES}`));
        }
        resolve(LOG_BYTES / MB / (ms / 1000));
      });
    });
    req.setTimeout(READ_TIMEOUT_MS, () => req.destroy(new Error(`logs via ${host}: not done in time`)));
    req.on('error', reject);
  });
}
