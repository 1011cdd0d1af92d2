import * as http from 'node:http';
import { dockerApi, endpointOf } from '../support/http.client';
import { uniqueName } from '../support/names';
import { sleep } from '../support/wait';
import { BenchContext, hostOf } from './context';
import { cpuReadings, withRelayCpu } from './cpu.bench';
import { interleave, Side } from './interleave';
import { BenchRow, sidedRow } from './result';
import { MB, msSince } from './stats';

const FILE_BYTES = 200 * MB;
const ROUNDS = 3;
const TIMEOUT_MS = 120_000;
const ZERO_MB = Buffer.alloc(MB);

/**
 * Workload: `docker cp` both ways at the API level on a stopped container holding a 200 MiB file:
 * `GET /containers/{id}/archive` (dockerd's tar stream, read and dropped) and `PUT .../archive`
 * with a 200 MiB tar sent chunked (no Content-Length, as the CLI does); MB/s of file bytes.
 */
export async function archiveBench(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.progress('archive 200 MiB: preparing the container');
  const id = await makeContainer();
  try {
    await getArchive(ctx.hosts.direct, id); // warm the page cache for every side
    ctx.progress(`archive 200 MiB: ${ROUNDS} GETs and PUTs each way`);
    const opts = { rounds: ROUNDS, budgetMs: 120_000, sides: ctx.sides };
    const [gotCpu, putCpu] = [cpuReadings(), cpuReadings()];
    const mb = FILE_BYTES / MB;
    const got = await interleave(opts, (side: Side) => withRelayCpu(ctx, side, gotCpu, mb, () => getArchive(hostOf(ctx, side), id)));
    const put = await interleave(opts, (side: Side) => withRelayCpu(ctx, side, putCpu, mb, () => putArchive(hostOf(ctx, side), id)));
    return [
      sidedRow('GET /containers/{id}/archive 200 MiB', got, 'MB/s', true),
      sidedRow('GET archive: relay CPU per MB (direct: dockerd)', gotCpu, 'ms/MB'),
      sidedRow('PUT /containers/{id}/archive 200 MiB chunked', put, 'MB/s', true),
      sidedRow('PUT archive: relay CPU per MB (direct: dockerd)', putCpu, 'ms/MB'),
    ];
  } finally {
    await dockerApi('DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
  }
}

/** A container (created and run directly on dockerd) that wrote /big and exited; answers its id. */
async function makeContainer(): Promise<string> {
  const { Id } = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${uniqueName('archive')}`, {
    Image: 'busybox:local',
    Cmd: ['sh', '-c', `head -c ${FILE_BYTES} /dev/zero > /big`],
  });
  await dockerApi('POST', `/containers/${Id}/start`);
  for (let i = 0; i < 240; i++) {
    const info = await dockerApi<{ State: { Running: boolean; ExitCode: number } }>('GET', `/containers/${Id}/json`);
    if (!info.State.Running) {
      if (info.State.ExitCode !== 0) throw new Error(`archive writer exited with ${info.State.ExitCode}`);
      return Id;
    }
    await sleep(250);
  }
  throw new Error('archive writer still running after 60 s');
}

/** Reads /big as a tar stream through `host`; answers MB/s of the file. */
function getArchive(host: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let bytes = 0;
    const req = http.get({ ...endpointOf(host), path: `/containers/${id}/archive?path=/big`, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET archive via ${host}: status ${res.statusCode}`));
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('error', reject);
      res.on('end', () => {
        if (bytes < FILE_BYTES) return reject(new Error(`GET archive via ${host}: ${bytes} bytes, expected > ${FILE_BYTES}`));
        resolve(FILE_BYTES / MB / (msSince(start) / 1000));
      });
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`GET archive via ${host}: not done in time`)));
    req.on('error', reject);
  });
}

/** Writes a 200 MiB tar (one file, /tmp/up.bin) chunked through `host`, with backpressure; MB/s. */
function putArchive(host: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const path = `/containers/${id}/archive?path=/tmp`;
    const headers = { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' };
    const req = http.request({ ...endpointOf(host), method: 'PUT', path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`PUT archive via ${host}: status ${res.statusCode}`));
        resolve(FILE_BYTES / MB / (msSince(start) / 1000));
      });
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`PUT archive via ${host}: not done in time`)));
    req.on('error', reject);
    void writeTar(req).catch((err: Error) => req.destroy(err));
  });
}

async function writeTar(req: http.ClientRequest): Promise<void> {
  const write = (b: Buffer): Promise<void> | void =>
    req.write(b) ? undefined : new Promise<void>((r) => req.once('drain', () => r()));
  await write(tarHeader('up.bin', FILE_BYTES));
  for (let sent = 0; sent < FILE_BYTES; sent += MB) await write(ZERO_MB);
  req.end(Buffer.alloc(1024)); // two zero blocks: the end of the archive
}

/** A ustar header block for a regular file of `size` bytes (size a multiple of 512 here). */
export function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const octal = (value: number, at: number, len: number): void => {
    h.write(value.toString(8).padStart(len - 1, '0') + '\0', at, len, 'latin1');
  };
  h.write(name, 0, 100, 'latin1');
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  h.write('        ', 148, 8, 'latin1');
  h.write('0', 156, 1, 'latin1');
  h.write('ustar\0' + '00', 257, 8, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}
