import { ERRORS, InvalidInputError, Ipv4Cidr, Ipv4ErrorKind, Ipv4FormatError } from '@app/common';

/** One token of WEAVE_CIDR: claim exactly one address, or allocate one (from a subnet or the default range). */
export type WeaveCidrRequest =
  | { kind: 'claim'; address: string; prefixLength: number; text: string }
  | { kind: 'allocate'; subnet?: string; text: string };

/**
 * What a container's WEAVE_CIDR asks for. `absent`: no WEAVE_CIDR entry (ours only with automatic
 * allocation, then like `net:default`); `none`: leave the container alone; `requests`: in order.
 */
export type WeaveCidrSpec =
  | { kind: 'absent' }
  | { kind: 'none' }
  | { kind: 'requests'; requests: WeaveCidrRequest[] };

const ENV_KEY = 'WEAVE_CIDR=';
const FORMS = 'expected ADDRESS/PREFIX, ip:ADDRESS/PREFIX, net:default or net:SUBNET/PREFIX';

export function formatCidr(address: string, prefixLength: number): string {
  return `${address}/${prefixLength}`;
}

/**
 * The value of the FIRST `WEAVE_CIDR=` entry of a Docker `Env` list, as Docker and the original
 * proxy read it. An entry `WEAVE_CIDR` without `=` is Docker's "unset", so it does not count.
 */
export function weaveCidrFromEnv(env: readonly unknown[] | null | undefined): string | undefined {
  for (const entry of env ?? []) {
    if (typeof entry === 'string' && entry.startsWith(ENV_KEY)) return entry.slice(ENV_KEY.length);
  }
  return undefined;
}

/**
 * Parses a WEAVE_CIDR value (see the type docs). Throws InvalidInputError `WPX_INVALID_WEAVE_CIDR`
 * naming the first bad token; never anything else. A repeated token is refused, not ignored: two
 * claims of one address (whatever their prefixes or `ip:`) or two allocations from one subnet
 * (`net:default net:default`) would put one address on ethwe twice.
 */
export function parseWeaveCidr(value: string | undefined): WeaveCidrSpec {
  if (value === undefined) return { kind: 'absent' };
  const tokens = value.split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return { kind: 'requests', requests: [{ kind: 'allocate', text: '' }] };
  if (tokens.length === 1 && tokens[0] === 'none') return { kind: 'none' };
  return { kind: 'requests', requests: refuseRepeats(tokens.map(parseToken)) };
}

function refuseRepeats(requests: WeaveCidrRequest[]): WeaveCidrRequest[] {
  const seen = new Map<string, string>();
  for (const r of requests) {
    const key = r.kind === 'claim' ? `ip ${r.address}` : `net ${r.subnet ?? 'default'}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const what = r.kind === 'claim' ? `address ${r.address}` : `subnet ${r.subnet ?? 'default'}`;
      throw invalid(r.text, `repeats the ${what} of "${first}" (name each address or subnet once)`);
    }
    seen.set(key, r.text);
  }
  return requests;
}

function parseToken(token: string): WeaveCidrRequest {
  if (token === 'none') throw invalid(token, 'none cannot be combined with other addresses');
  if (token === 'net:default') return { kind: 'allocate', text: token };
  if (token.startsWith('net:')) return parseSubnet(token);
  const cidr = token.startsWith('ip:') ? token.slice(3) : token;
  const parsed = parseCanonicalCidr(token, cidr);
  return { kind: 'claim', address: parsed.address.toString(), prefixLength: parsed.prefixLength, text: token };
}

function parseSubnet(token: string): WeaveCidrRequest {
  const cidr = parseCanonicalCidr(token, token.slice(4));
  if (!cidr.isNetwork) {
    throw invalid(token, `a subnet must be given by its network address, ${cidr.toNetwork().toString()}`);
  }
  return { kind: 'allocate', subnet: cidr.toString(), text: token };
}

// Only canonical text (Ipv4Cidr): ipaddr.js alone would read `010.1.1.1` as octal, `1.2.3` as 1.2.0.3.
function parseCanonicalCidr(token: string, text: string): Ipv4Cidr {
  try {
    return Ipv4Cidr.parse(text);
  } catch (err) {
    if (!(err instanceof Ipv4FormatError)) throw err;
    throw invalid(token, REASONS[err.kind](text));
  }
}

// The most helpful reason a CIDR-looking text was refused, worded for WEAVE_CIDR.
const REASONS: Record<Ipv4ErrorKind, (text: string) => string> = {
  syntax: () => FORMS,
  'missing-prefix': () => 'an address needs a prefix length, e.g. /24',
  address: (text) => `"${text.split('/')[0]}" is not a canonical IPv4 address`,
  prefix: () => 'the prefix length must be a number from 0 to 32',
  'host-bits': () => FORMS,
};

function invalid(token: string, reason: string): InvalidInputError {
  return new InvalidInputError(ERRORS.WPX_INVALID_WEAVE_CIDR, `invalid WEAVE_CIDR "${token}": ${reason}`);
}
