import { ValidateBy, ValidationOptions } from '../validation/class-validator';
import { Ipv4Address, compileGoRegexp } from '@app/common';
import { parseDockerEndpoint } from '@app/docker';
import { parseListenAddress } from './listen-address';

/** A check of one value: undefined when fine, else the problem in words (without the flag's name). */
export type ValueCheck = (value: unknown) => string | undefined;

/**
 * A class-validator decorator from a ValueCheck, so the message is the check's own words about the
 * actual value instead of a fixed text.
 */
export function Check(check: ValueCheck, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: check.name || 'check',
      validator: {
        validate: (value) => check(value) === undefined,
        defaultMessage: (args) => check(args?.value) ?? '',
      },
    },
    options,
  );
}

/** Runs a parser that throws, for its message. */
function problemOf(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** `-H`: exactly what the Docker client will parse (libs/docker parseDockerEndpoint). */
export const dockerHostProblem: ValueCheck = (v) => problemOf(() => parseDockerEndpoint(String(v)));

/** `-L`: exactly what the listener will parse; every bad one is named. */
export const listenProblem: ValueCheck = (v) => {
  const bad = (Array.isArray(v) ? v : [v]).map((url) => problemOf(() => parseListenAddress(String(url))));
  return bad.filter((p) => p !== undefined).join('; ') || undefined;
};

/** `--hostname-match`: compiles as the create path will (anchored, Go syntax). */
export const hostnameMatchProblem: ValueCheck = (v) =>
  problemOf(() => compileGoRegexp(String(v), { anchored: true }));

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** `--dns-domain`: DNS labels (letters, digits, inner hyphens, 1-63 each), 253 characters at most. */
export const dnsDomainProblem: ValueCheck = (v) => {
  const name = String(v).replace(/\.$/, '');
  const ok = name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
  return ok ? undefined : 'must be a domain name such as weave.local. (letters, digits and hyphens)';
};

export const nonEmptyProblem: ValueCheck = (v) => (String(v).trim() === '' ? 'must not be empty' : undefined);

/** `--peer-address`: one IPv4 address, as the VXLAN device and the other peers will use it. */
export const ipv4AddressProblem: ValueCheck = (v) =>
  Ipv4Address.tryParse(String(v)) ? undefined : `${JSON.stringify(v)} is not an IPv4 address such as 192.168.1.10`;
