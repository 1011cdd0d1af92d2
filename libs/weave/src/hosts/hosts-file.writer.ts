import { promises as fs } from 'node:fs';

export interface HostsEntries {
  hostname: string;
  domainname?: string;
  /** Weave addresses, first one first: `hostname -i` answers with these. */
  addresses: string[];
  /** HostConfig.ExtraHosts (`name:ip`), kept so `--add-host` names still resolve. */
  extraHosts: string[];
}

const HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export function renderHosts(e: HostsEntries): string {
  const names = e.domainname ? `${e.hostname}.${e.domainname} ${e.hostname}` : e.hostname;
  const lines = [...HEADER, ...e.addresses.map((a) => `${a}\t${names}`)];
  for (const extra of e.extraHosts) {
    const i = extra.indexOf(':');
    if (i > 0) lines.push(`${extra.slice(i + 1)}\t${extra.slice(0, i)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Rewrites a container's /etc/hosts from the host side, only when its text differs from what it
 * should be (answers whether it wrote). The container sees the file through a bind mount of its
 * inode: write it in place (the container sees the new text), unlink it (so a later rewrite by
 * Docker creates a new file instead of clobbering ours) and write it again (so the path still
 * holds the same text for readers on the host). The in-place write truncates first, so it must
 * happen while nothing in the container reads the file: the attach does it behind the gate.
 */
export async function rewriteHostsFile(hostsPath: string, entries: HostsEntries): Promise<boolean> {
  const text = renderHosts(entries);
  const current = await fs.readFile(hostsPath, 'utf8').catch(() => undefined);
  if (current === text) return false;
  await fs.writeFile(hostsPath, text);
  // Someone else (another rewrite of the same file) may have unlinked it first: same outcome.
  await fs.unlink(hostsPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fs.writeFile(hostsPath, text);
  return true;
}
