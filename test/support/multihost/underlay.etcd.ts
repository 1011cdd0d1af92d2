import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ETCD_BINARY } from '@app/ipam/testing';
import { sleep } from '../wait';
import { inNetns, runIn } from './exec';
import { terminate } from './host.dockerd';

/** etcd on the underlay: one member in the underlay's namespace, at <gateway>:2379, data under `dir`. */
export interface UnderlayEtcd {
  /** `etcd://<gateway>:2379`, for the proxies' `--store`. */
  readonly storeUrl: string;
  /** `http://<gateway>:2379`: reachable only from the underlay's and the hosts' namespaces. */
  readonly clientUrl: string;
  stop(): Promise<void>;
}

export async function startUnderlayEtcd(netns: string, address: string, dir: string): Promise<UnderlayEtcd> {
  const client = `http://${address}:2379`;
  const peer = `http://${address}:2380`;
  const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
  const [cmd, ...pre] = inNetns(netns);
  const args = [
    ETCD_BINARY, '--name', 'ul', '--data-dir', path.join(dir, 'etcd'),
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `ul=${peer}`,
  ];
  const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const stop = () => terminate(child);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited: ${fs.readFileSync(path.join(dir, 'etcd.log'), 'utf8').slice(-2000)}`);
    // The test's own namespace has no route to the underlay: ask from inside it, with node (no curl here).
    const healthy = await runIn(netns, process.execPath, ['-e', healthScript(client)], 3_000).then(
      (out) => out.includes('"true"'),
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd at ${client} not healthy within 20 s`);
    }
    await sleep(200);
  }
  return { storeUrl: `etcd://${address}:2379`, clientUrl: client, stop };
}

const healthScript = (client: string): string =>
  `require('http').get('${client}/health',r=>{let b='';r.on('data',c=>b+=c);r.on('end',()=>console.log(b))}).on('error',()=>process.exit(1))`;
