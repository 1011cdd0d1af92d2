/**
 * Go `regexp` semantics on JavaScript's RegExp, for flags the original (Go) proxy documented in Go
 * syntax (`--hostname-match`, `--hostname-replacement`). Pure functions, no product knowledge, so the
 * config loader can validate with exactly what the create path later uses.
 */

/** A pattern JavaScript's RegExp refuses (after the Go → JS translation). */
export class GoRegexpError extends Error {
  constructor(
    readonly pattern: string,
    /** RegExp's own reason, e.g. `Invalid regular expression: /^(?:()$/: Unterminated group`. */
    readonly reason: string,
  ) {
    super(`invalid regexp "${pattern}": ${reason}`);
    this.name = 'GoRegexpError';
  }
}

/**
 * Compiles a Go (RE2-style) pattern; `anchored` wraps it as `^(?:…)$` (matches the whole text, as
 * the original applied `--hostname-match`). Throws GoRegexpError.
 */
export function compileGoRegexp(pattern: string, options: { anchored?: boolean } = {}): RegExp {
  const source = translateGoRegexp(pattern);
  try {
    return new RegExp(options.anchored ? `^(?:${source})$` : source);
  } catch (err) {
    throw new GoRegexpError(pattern, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Go spells named groups `(?P<name>...)`; JavaScript only knows `(?<name>...)`. Escaped parentheses
 * and parentheses inside character classes are literal, so they are skipped.
 */
export function translateGoRegexp(pattern: string): string {
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
