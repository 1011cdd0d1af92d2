import { Command } from 'commander';
import { adminGet } from './admin.client';
import { PeersAnswer, peersText } from './peers.text';

interface ContainerRow {
  id: string;
  name: string;
  phase: string;
  addresses: string[];
  lastError?: string;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function statusText(s: Record<string, any>): string {
  const ipam = s.ipam ?? {};
  const ctl = s.controller ?? {};
  const counts = Object.entries(ctl.containers ?? {}).map(([k, v]) => `${v} ${k}`).join(', ');
  return table([
    ['Version:', String(s.version)],
    ['Uptime:', `${s.uptimeSeconds}s`],
    ['Listen:', (s.listen ?? []).join(', ')],
    ['Docker:', `${s.docker?.host} (${s.docker?.reachable ? `API ${s.docker.apiVersion}, ${s.docker.version}` : `unreachable: ${s.docker?.error}`})`],
    ['IPAM:', ipam.error ? `${ipam.range} (${ipam.error})` : `${ipam.range}: ${ipam.used} used, ${ipam.free} free of ${ipam.size} (${ipam.store})`],
    ['DNS:', s.dns?.enabled ? `on (${s.dns.domain})` : 'off'],
    ['Containers:', counts || 'none'],
    ['Last resync:', String(ctl.lastResync ?? 'not yet')],
  ]);
}

function psText(rows: ContainerRow[]): string {
  const ours = rows.filter((r) => r.phase !== 'not-ours');
  if (!ours.length) return 'no weave containers';
  return table([
    ['CONTAINER ID', 'NAME', 'PHASE', 'ADDRESSES', 'LAST ERROR'],
    ...ours.map((r) => [r.id.slice(0, 12), r.name, r.phase, r.addresses.join(' ') || '-', r.lastError ?? '']),
  ]);
}

/** `weave status` (with its peers section) and `weave ps`: read a running proxy's admin API and print it for a person. */
export function addReportCommands(program: Command): void {
  const listen = ['-L, --listen <url>', 'the proxy to ask', 'tcp://127.0.0.1:12375'] as const;
  program
    .command('status')
    .description('show the status of a running proxy')
    .option(...listen)
    .option('--json', 'print JSON')
    .action(async (o: { listen: string; json?: boolean }) => {
      const s = await adminGet<Record<string, unknown>>(o.listen, '/_weave/status');
      const peers = await adminGet<PeersAnswer>(o.listen, '/_weave/peers');
      console.log(o.json ? JSON.stringify({ ...s, peers }, null, 2) : `${statusText(s)}\n${peersText(peers)}`);
    });
  program
    .command('ps')
    .description('list containers on the weave network with their addresses')
    .option(...listen)
    .option('--json', 'print JSON')
    .action(async (o: { listen: string; json?: boolean }) => {
      const rows = await adminGet<ContainerRow[]>(o.listen, '/_weave/containers');
      console.log(o.json ? JSON.stringify(rows, null, 2) : psText(rows));
    });
}
