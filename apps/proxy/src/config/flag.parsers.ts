import { parseIpEndpoint } from '@app/common';
import { ProxyConfig } from './proxy.config';

/** What the command line hands the loader: typed values, or text for the fields parsed here. */
export type ConfigInput = { [K in keyof ProxyConfig]?: ProxyConfig[K] | string | string[] };

export const DNS_PORT = 53;
const DURATION = /^(\d+)(ms|s|m)?$/;
const DURATION_FORMS = 'a whole number of seconds such as 30, 30s, 2m or 5000ms';

/** A flag whose text becomes a typed value; `parse` throws an Error whose message names the problem. */
type TextParser = (text: string) => unknown;

const PARSERS: Partial<Record<keyof ProxyConfig, TextParser>> = {
  vxlanVni: integer,
  vxlanPort: integer,
  mtu: integer,
  releaseGraceSeconds: (t) => seconds(t, 0),
  peerReclaimAfterSeconds: (t) => seconds(t, 1),
  resyncIntervalSeconds: (t) => seconds(t, 1),
  attachTimeoutSeconds: (t) => seconds(t, 1, 3600),
  dnsListen: (t) => parseIpEndpoint(t, DNS_PORT),
  dnsUpstream: (t) => parseIpEndpoint(t, DNS_PORT),
  dnsClientRate: integer,
  dnsClientBurst: integer,
  tls: goBool,
  tlsVerify: goBool,
};

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** `--tls=false`: the spellings Go's strconv.ParseBool (dockerd's flags) accepts. */
export function goBool(text: string): boolean {
  if (GO_TRUE.includes(text)) return true;
  if (GO_FALSE.includes(text)) return false;
  throw new Error(`"${text}" is not true or false`);
}

/**
 * Turns the text of the flags that have a parser into typed values (durations into seconds,
 * ADDR[:PORT] into IpEndpoint); other fields pass through. Problems come back by field, one per
 * bad value (each repeated `--dns-upstream` on its own).
 */
export function parseFlagTexts(input: ConfigInput): { values: Record<string, unknown>; problems: Array<[keyof ProxyConfig, string]> } {
  const values: Record<string, unknown> = {};
  const problems: Array<[keyof ProxyConfig, string]> = [];
  for (const [key, value] of Object.entries(input)) {
    const field = key as keyof ProxyConfig;
    const parse = PARSERS[field];
    if (value === undefined) continue;
    if (!parse) {
      values[field] = value;
      continue;
    }
    const one = (text: unknown) => {
      try {
        return typeof text === 'string' ? parse(text) : text;
      } catch (err) {
        problems.push([field, (err as Error).message]);
        return undefined;
      }
    };
    values[field] = Array.isArray(value) ? value.map(one) : one(value);
  }
  return { values, problems };
}

/** `30`, `30s`, `2m`, `5000ms` → seconds, from `min` to `max` (default a day). Throws naming the forms. */
export function seconds(text: string, min: number, max = 86400): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not ${DURATION_FORMS}`);
  const n = Number(m[1]);
  const value = m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
  if (!Number.isInteger(value)) throw new Error(`"${text}" is not ${DURATION_FORMS}`);
  if (value < min || value > max) throw new Error(`"${text}" must be from ${min}s to ${max}s${max === 86400 ? ' (a day)' : ''}`);
  return value;
}


/** Decimal digits → a number (the range is checked by the config's own rules). Throws naming the text. */
export function integer(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) throw new Error(`"${text}" is not a whole number`);
  return Number(text.trim());
}
