import { ERRORS, InvalidInputError } from '@app/common';

export interface HostnameDerivation {
  /** From `?name=`; Docker's leading '/' is stripped. */
  containerName?: string;
  labels?: Record<string, string>;
  /** `--hostname-from-label KEY`: the label's value, when present and non-empty, replaces the name. */
  fromLabel?: string;
  /** `--hostname-match RE` (Go RE2 syntax, default `(.*)`), applied anchored to the whole source. */
  match: string;
  /** `--hostname-replacement TPL` (Go template syntax, default `$1`). */
  replacement: string;
}

export const DEFAULT_HOSTNAME_MATCH = '(.*)';
export const DEFAULT_HOSTNAME_REPLACEMENT = '$1';

/**
 * The hostname weaveDNS should register for a new container, as the original proxy derived it:
 * source = label value or container name; when the anchored `match` matches, the result is
 * `replacement` expanded once with Go's regexp.Expand rules, else the source unchanged.
 * Returns undefined when there is no source or the result is empty. Throws InvalidInputError
 * `WPX_INVALID_HOSTNAME_MATCH` when `match` does not compile.
 */
export function deriveHostname(input: HostnameDerivation): string | undefined {
  const source = hostnameSource(input);
  if (source === undefined) return undefined;
  const found = compileHostnameMatch(input.match).exec(source);
  const hostname = found ? expandGoTemplate(input.replacement, found) : source;
  return hostname === '' ? undefined : hostname;
}

/** Compiles `--hostname-match` the way deriveHostname uses it; call at boot to fail early. */
export function compileHostnameMatch(match: string): RegExp {
  try {
    return new RegExp(`^(?:${translateNamedGroups(match)})$`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidInputError(ERRORS.WPX_INVALID_HOSTNAME_MATCH, `invalid --hostname-match "${match}": ${reason}`);
  }
}

function hostnameSource(input: HostnameDerivation): string | undefined {
  // The original fell back to the name when the label was missing or empty.
  const label: unknown = input.fromLabel ? input.labels?.[input.fromLabel] : undefined;
  if (typeof label === 'string' && label !== '') return label;
  const name = input.containerName?.replace(/^\//, '');
  return name ? name : undefined;
}

// Go spells named groups `(?P<name>...)`; JavaScript only knows `(?<name>...)`. Escaped parentheses
// and parentheses inside character classes are literal, so they are skipped.
function translateNamedGroups(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      inClass = ch !== ']';
      out += ch;
    } else if (ch === '(' && pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      inClass = ch === '[';
      out += ch;
    }
  }
  return out;
}

/**
 * Go's regexp.Expand: `$$` is a literal `$`; `$name` takes the longest run of letters, digits and
 * underscores as the name (so `$1x` names group "1x"); `${name}` delimits it; a number names a
 * numbered group (no leading zeros), anything else a named group; an unknown or unmatched group
 * expands to nothing; a `$` not followed by a valid name is kept literally.
 */
export function expandGoTemplate(template: string, found: RegExpExecArray): string {
  return template.replace(/\$(?:(\$)|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/gu, (_all, dollar, braced, bare) =>
    dollar ? '$' : groupValue(found, braced ?? bare),
  );
}

function groupValue(found: RegExpExecArray, name: string): string {
  if (/^(?:0|[1-9][0-9]{0,8})$/.test(name)) return found[Number(name)] ?? '';
  return found.groups?.[name] ?? '';
}
