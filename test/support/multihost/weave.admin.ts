import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { rawRequest } from '../http.client';
import { repoRoot } from '../proxy.harness';
import { SimHost } from './cluster';

/** A peer as `GET /_weave/peers` lists it. */
export interface PeerInfo {
  id: string;
  address: string;
  hostname: string;
  mtu: number;
}

/** A lease as `GET /_weave/allocations` lists it. */
export interface AllocationInfo {
  containerId: string;
  address: string;
  peer?: string;
}

/** GET a JSON document from the host's proxy admin API (on its `-L` socket); throws on non-2xx. */
export async function adminJson<T>(h: SimHost, p: string): Promise<T> {
  const r = await rawRequest(h.proxy.url, 'GET', p, { timeoutMs: 15_000 });
  if (r.status >= 300) throw new Error(`GET ${p} on ${h.name}: ${r.status} ${r.body.toString()}`);
  return JSON.parse(r.body.toString()) as T;
}

/** The host's view of the peers: `{self, live, gone}`. */
export function peersOf(h: SimHost): Promise<{ self: PeerInfo; live: PeerInfo[]; gone: PeerInfo[] }> {
  return adminJson(h, '/_weave/peers');
}

/** Every lease of the shared store, as the host's proxy lists it. */
export function allocationsOf(h: SimHost): Promise<AllocationInfo[]> {
  return adminJson(h, '/_weave/allocations');
}

/** Runs the built `weave` CLI against the host's proxy (`-L` its socket); never rejects. */
export function weaveCli(h: SimHost, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = path.join(repoRoot(), 'dist/apps/proxy/src/main.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args, '-L', h.proxy.url], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
