import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ProxyConfig } from './proxy.config';

/** The PEM contents of one side's TLS files (what `tls.createSecureContext` takes). */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

type TlsPathFields = 'tlsCaCert' | 'tlsCert' | 'tlsKey' | 'dockerTlsCaCert' | 'dockerTlsCert' | 'dockerTlsKey';

const FLAG: Record<TlsPathFields, string> = {
  tlsCaCert: '--tlscacert',
  tlsCert: '--tlscert',
  tlsKey: '--tlskey',
  dockerTlsCaCert: '--docker-tlscacert',
  dockerTlsCert: '--docker-tlscert',
  dockerTlsKey: '--docker-tlskey',
};

/** The docker CLI's certificate directory: $DOCKER_CERT_PATH, else ~/.docker. */
export function defaultCertDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
}

/**
 * The TLS file paths with the docker CLI's defaults filled in (`<dir>/{ca,cert,key}.pem`), only
 * for the sides that use TLS; the serving CA only with --tlsverify (plain --tls checks no client).
 */
export function withTlsDefaults(values: Partial<ProxyConfig>, certDir: string): Partial<ProxyConfig> {
  const out = { ...values };
  const pem = (name: string) => path.join(certDir, `${name}.pem`);
  if (values.tls || values.tlsVerify) {
    out.tlsCert ??= pem('cert');
    out.tlsKey ??= pem('key');
    if (values.tlsVerify) out.tlsCaCert ??= pem('ca');
  }
  if (values.dockerTlsVerify) {
    out.dockerTlsCaCert ??= pem('ca');
    out.dockerTlsCert ??= pem('cert');
    out.dockerTlsKey ??= pem('key');
  }
  return out;
}

/**
 * Every problem with the TLS files, each naming the flag and the file: unreadable, or not a
 * usable certificate/key pair. Empty when TLS is off or everything loads.
 */
export function tlsFileProblems(config: ProxyConfig): string[] {
  const problems: string[] = [];
  const sides: Array<[boolean, TlsPathFields[]]> = [
    [config.tls || config.tlsVerify, ['tlsCaCert', 'tlsCert', 'tlsKey']],
    [config.dockerTlsVerify, ['dockerTlsCaCert', 'dockerTlsCert', 'dockerTlsKey']],
  ];
  for (const [on, fields] of sides) {
    if (!on) continue;
    const unreadable = fields.map((f) => unreadableProblem(config, f)).filter((p): p is string => !!p);
    problems.push(...unreadable);
    if (unreadable.length === 0) problems.push(...contextProblem(config, fields));
  }
  if (config.dockerTlsVerify && String(config.dockerHost).startsWith('unix://')) {
    problems.push(`--docker-tlsverify needs a tcp:// docker host (got ${config.dockerHost})`);
  }
  return problems;
}

/** The serving side's certificate, key and client CA, read from the validated paths. */
export function serverTlsMaterial(config: ProxyConfig): TlsMaterial {
  return readMaterial(config.tlsCaCert, config.tlsCert, config.tlsKey);
}

/** The daemon side's CA and client certificate; undefined without --docker-tlsverify. */
export function dockerTlsMaterial(config: ProxyConfig): TlsMaterial | undefined {
  if (!config.dockerTlsVerify) return undefined;
  return readMaterial(config.dockerTlsCaCert, config.dockerTlsCert, config.dockerTlsKey);
}

function readMaterial(ca?: string, cert?: string, key?: string): TlsMaterial {
  const read = (file?: string) => (file ? fs.readFileSync(file) : undefined);
  return { ca: read(ca), cert: read(cert), key: read(key) };
}

function unreadableProblem(config: ProxyConfig, field: TlsPathFields): string | undefined {
  const file = config[field];
  if (!file) return undefined;
  try {
    fs.readFileSync(file);
    return undefined;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return `${FLAG[field]}: cannot read ${file} (${reason})`;
  }
}

// Loads the files as Node will, so a wrong key for the certificate or a non-PEM file is reported
// at start instead of failing every handshake later.
function contextProblem(config: ProxyConfig, fields: TlsPathFields[]): string[] {
  const [caField, certField, keyField] = fields;
  const material = readMaterial(config[caField], config[certField], config[keyField]);
  try {
    tls.createSecureContext({ ...material, minVersion: 'TLSv1.2' });
    return [];
  } catch (err) {
    const files = fields.map((f) => `${FLAG[f]} ${config[f] ?? '(none)'}`).join(', ');
    return [`TLS files do not load (${files}): ${(err as Error).message}`];
  }
}
