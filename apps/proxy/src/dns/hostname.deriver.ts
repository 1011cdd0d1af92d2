import { compileGoRegexp, expandGoTemplate, GoRegexpError, InvalidInputError, ERRORS } from '@app/common';

export { expandGoTemplate };

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

/**
 * Compiles `--hostname-match` the way deriveHostname uses it (anchored, Go syntax). The config loader
 * already refused a pattern that does not compile; the error here is for direct callers.
 */
export function compileHostnameMatch(match: string): RegExp {
  try {
    return compileGoRegexp(match, { anchored: true });
  } catch (err) {
    if (!(err instanceof GoRegexpError)) throw err;
    throw new InvalidInputError(ERRORS.WPX_INVALID_HOSTNAME_MATCH, `invalid --hostname-match "${match}": ${err.reason}`);
  }
}

function hostnameSource(input: HostnameDerivation): string | undefined {
  // The original fell back to the name when the label was missing or empty.
  const label: unknown = input.fromLabel ? input.labels?.[input.fromLabel] : undefined;
  if (typeof label === 'string' && label !== '') return label;
  const name = input.containerName?.replace(/^\//, '');
  return name ? name : undefined;
}
