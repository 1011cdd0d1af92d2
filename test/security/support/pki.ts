import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as files and as PEM. */
export interface Issued {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface Pki {
  dir: string;
  caFile: string;
  ca: Buffer;
  /** For 127.0.0.1 (SAN IP:127.0.0.1), serverAuth. */
  server: Issued;
  /** clientAuth, signed by this CA. */
  client: Issued;
  /** A second CA and a client certificate it signed: must be refused. */
  otherCaFile: string;
  otherClient: Issued;
  remove(): void;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string): Promise<string> {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  await run('openssl', ['req', '-x509', ...KEY, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`]);
  return cert;
}

async function issue(dir: string, caName: string, name: string, ext: string): Promise<Issued> {
  const keyFile = path.join(dir, `${name}-key.pem`);
  const certFile = path.join(dir, `${name}-cert.pem`);
  const csr = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(extFile, ext);
  await run('openssl', ['req', '-new', ...KEY, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`]);
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', path.join(dir, `${caName}.pem`), '-CAkey', path.join(dir, `${caName}-key.pem`),
    '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', extFile,
  ]);
  return { certFile, keyFile, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}

/** Makes, with openssl in a fresh temp dir, a CA with a server and a client certificate, and a foreign CA. */
export async function makePki(): Promise<Pki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wpt-pki-'));
  const caFile = await makeCa(dir, 'ca');
  const otherCaFile = await makeCa(dir, 'other-ca');
  const server = await issue(dir, 'ca', 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const client = await issue(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
  const otherClient = await issue(dir, 'other-ca', 'other-client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir, caFile, ca: fs.readFileSync(caFile), server, client, otherCaFile, otherClient,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The docker CLI's flags for a TLS host with `client`'s certificate (none: CA only). */
export function dockerTlsArgs(pki: Pki, client?: Issued, caFile = pki.caFile): string[] {
  const certs = client ? ['--tlscert', client.certFile, '--tlskey', client.keyFile] : [];
  return ['--tlsverify', '--tlscacert', caFile, ...certs];
}
