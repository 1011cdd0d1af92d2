/** A peer as `GET /_weave/peers` lists it (`PeerRecord`). */
interface PeerRow {
  id: string;
  address: string;
  mtu: number;
  hostname: string;
}

/** What `GET /_weave/peers` answers (`PeersReport`). */
export type PeersAnswer =
  | { enabled: false }
  | { enabled: true; self: PeerRow; live: PeerRow[]; gone: PeerRow[]; error?: string };

/**
 * The peers section of `weave status`: one line per peer (id, hostname, underlay address, state,
 * bridge MTU), this host marked `(self)`, live ones first. Without etcd, one line saying so.
 */
export function peersText(report: PeersAnswer): string {
  if (!report.enabled) return 'Peers:        none (single host: no --store etcd://)';
  const rows = [
    ...report.live.map((p) => row(p, p.id === report.self.id ? 'live (self)' : 'live')),
    ...report.gone.map((p) => row(p, 'gone')),
  ];
  const head = `Peers:        ${report.live.length} live, ${report.gone.length} gone${report.error ? ` (etcd: ${report.error})` : ''}`;
  return [head, ...indentTable([['ID', 'HOSTNAME', 'ADDRESS', 'STATE', 'MTU'], ...rows])].join('\n');
}

function row(p: PeerRow, state: string): string[] {
  return [p.id, p.hostname, p.address, state, String(p.mtu)];
}

function indentTable(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`);
}
