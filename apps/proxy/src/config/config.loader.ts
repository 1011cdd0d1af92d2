import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ERRORS, InvalidInputError } from '@app/common';
import { ProxyConfig } from './proxy.config';
import { defaultCertDir, tlsFileProblems, withTlsDefaults } from './tls.files';

/** Thrown with every problem at once, so a user fixes the command line in one go. */
export class ConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(ERRORS.WPX_BAD_CONFIG, problems.join('; '));
  }
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {})
      .map((msg) => `${e.property}: ${msg} (got ${JSON.stringify(e.value)})`)
      .concat(flatten(e.children ?? [])),
  );
}

function sameListener(dockerHost: string, listen: string): boolean {
  const norm = (u: string) => u.replace(/^(tcp|http):\/\//, 'tcp://').replace(/\/$/, '');
  const d = norm(dockerHost);
  const l = norm(listen);
  if (d === l) return true;
  const port = (u: string) => /:(\d+)$/.exec(u)?.[1];
  const host = (u: string) => /^tcp:\/\/(.*):\d+$/.exec(u)?.[1];
  const loopbackish = (h?: string) => h === undefined || ['', '0.0.0.0', '127.0.0.1', 'localhost', '[::]', '[::1]', '::'].includes(h);
  return d.startsWith('tcp://') && l.startsWith('tcp://') && port(d) === port(l) && loopbackish(host(d)) && loopbackish(host(l));
}

/**
 * Builds the one frozen ProxyConfig from already-parsed command-line values. Reports every
 * problem at once; refuses a docker host that is one of our own listeners (an exported
 * DOCKER_HOST pointing at the proxy would otherwise make it talk to itself). TLS file paths
 * default like the docker CLI's (`$DOCKER_CERT_PATH/{ca,cert,key}.pem`, else `~/.docker/`), and
 * every TLS file must be readable and load, so a bad path stops the start, naming the file.
 */
export function loadConfig(values: Partial<ProxyConfig>, env: NodeJS.ProcessEnv = process.env): Readonly<ProxyConfig> {
  const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const withDefaults = withTlsDefaults(defined, defaultCertDir(env));
  const config = plainToInstance(ProxyConfig, withDefaults, { exposeDefaultValues: true });
  const problems = flatten(validateSync(config));
  problems.push(...tlsFileProblems(config));
  for (const l of config.listen ?? []) {
    if (typeof config.dockerHost === 'string' && sameListener(config.dockerHost, l)) {
      problems.push(`docker host ${config.dockerHost} is the proxy's own listen address ${l}: point -H at dockerd`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
