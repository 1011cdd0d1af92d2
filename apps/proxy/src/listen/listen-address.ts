import { ERRORS, InvalidInputError } from '@app/common';

export type ListenAddress =
  | { kind: 'tcp'; url: string; host: string; port: number }
  | { kind: 'unix'; url: string; path: string };

export function parseListenAddress(url: string): ListenAddress {
  if (url.startsWith('unix://')) return { kind: 'unix', url, path: url.slice('unix://'.length) };
  const m = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/\s]*):(\d{1,5})$/.exec(url);
  if (!m || Number(m[2]) > 65535) {
    throw new InvalidInputError(ERRORS.WPX_BAD_LISTEN, `listen address "${url}": expected tcp://host:port or unix:///path`);
  }
  return { kind: 'tcp', url, host: m[1].replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
}

export function isLoopback(addr: ListenAddress): boolean {
  return addr.kind === 'unix' || /^(127\.|::1$|localhost$)/.test(addr.host);
}
