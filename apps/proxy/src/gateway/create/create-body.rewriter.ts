import { DomainError, ERRORS, InvalidInputError } from '@app/common';
import { bindTarget, WEAVEWAIT_TARGET } from '@app/weave';
import { ContainerDnsOptions } from '../../dns/dns.settings';

/** The weavewait program as the container sees it (the bind at WEAVEWAIT_TARGET). */
export const WEAVEWAIT_PATH = '/w/w';
// Docker refuses longer hostnames; the original proxy skipped the derived name instead.
const MAX_DOCKER_HOSTNAME = 64;

/** The image parts create rewriting reads (`GET /images/{name}/json` → Config). */
export interface ImageCommand {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
}

export interface CreateRewriteOptions {
  /** The request's `Image`, for the 404 text the docker CLI parses before pulling. */
  imageName: string;
  weavewaitHostDir: string;
  /** Arguments weavewait reads before the command, e.g. `['-s']`. */
  waitArgs: readonly string[];
  dns?: ContainerDnsOptions;
}

/** 404 with Docker's own text: the docker CLI pulls the image and retries create on it. */
export class NoSuchImageError extends DomainError {
  constructor(imageName: string) {
    super(ERRORS.WPX_NO_SUCH_IMAGE, `No such image: ${imageName}`);
  }
}

/** Docker's own answer when neither Entrypoint nor Cmd is left to run. */
export class NoCommandError extends DomainError {
  constructor() {
    super(ERRORS.WPX_NO_COMMAND, 'No command specified');
  }
}

type Argv = string[] | undefined; // undefined: the field was absent or null (Docker's nil)

/**
 * Returns a new create body that runs the container's command under weavewait, mounts weavewait
 * read-only at /w and, with `opts.dns`, points the container at weaveDNS. Every other field,
 * including unknown ones and lossless-json numbers, is carried over by reference; the input is not
 * mutated. `image` is needed only when the request has no Entrypoint: null then throws
 * NoSuchImageError. Throws NoCommandError when nothing is left to run, InvalidInputError when a
 * touched field has a type Docker would refuse.
 */
export function rewriteCreateBody(
  body: Record<string, unknown>,
  image: ImageCommand | null,
  opts: CreateRewriteOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, ...commandFields(body, image, opts) };
  const hostConfig = withWeavewaitBind(objectField(body.HostConfig, 'HostConfig'), opts.weavewaitHostDir);
  out.HostConfig = opts.dns ? withDns(hostConfig, opts.dns) : hostConfig;
  return opts.dns ? { ...out, ...hostnameFields(body, opts.dns) } : out;
}

function commandFields(body: Record<string, unknown>, image: ImageCommand | null, opts: CreateRewriteOptions) {
  const requested = { entrypoint: toArgv(body.Entrypoint, 'Entrypoint'), cmd: toArgv(body.Cmd, 'Cmd') };
  const effective = withImageDefaults(requested, image, opts.imageName);
  // dockerd reads Entrypoint [""] (`--entrypoint ""`) as "no entrypoint", after the image merge.
  const entrypoint = isReset(effective.entrypoint) ? [] : (effective.entrypoint ?? []);
  const cmd = effective.cmd ?? [];
  if (entrypoint.length === 0 && cmd.length === 0) throw new NoCommandError();
  const fields: Record<string, unknown> = {
    Entrypoint: entrypoint[0] === WEAVEWAIT_PATH ? entrypoint : [WEAVEWAIT_PATH, ...opts.waitArgs, ...entrypoint],
  };
  // Our Entrypoint is never empty, so dockerd will not merge the image's Cmd itself any more.
  if (effective.cmd !== requested.cmd && cmd.length > 0) fields.Cmd = cmd;
  return fields;
}

/**
 * dockerd's merge: only a request without Entrypoint (absent, null or []) takes the image's
 * defaults; then an empty Cmd takes the image's Cmd and only an absent/null Entrypoint the image's
 * Entrypoint. So `--entrypoint X` without a command does not inherit the image's Cmd.
 */
function withImageDefaults(requested: { entrypoint: Argv; cmd: Argv }, image: ImageCommand | null, imageName: string) {
  if (requested.entrypoint !== undefined && requested.entrypoint.length > 0) return requested;
  if (image === null) throw new NoSuchImageError(imageName);
  return {
    entrypoint: requested.entrypoint ?? toArgv(image.Entrypoint, 'image Entrypoint'),
    cmd: requested.cmd !== undefined && requested.cmd.length > 0 ? requested.cmd : toArgv(image.Cmd, 'image Cmd'),
  };
}

function isReset(argv: Argv): boolean {
  return argv !== undefined && argv.length === 1 && argv[0] === '';
}

function withWeavewaitBind(hostConfig: Record<string, unknown>, hostDir: string): Record<string, unknown> {
  const binds = stringArrayField(hostConfig.Binds, 'HostConfig.Binds').filter((b) => bindTarget(b) !== WEAVEWAIT_TARGET);
  return { ...hostConfig, Binds: [...binds, `${hostDir}:${WEAVEWAIT_TARGET}:ro`] };
}

function withDns(hostConfig: Record<string, unknown>, dns: ContainerDnsOptions) {
  const dnsServers = [...stringArrayField(hostConfig.Dns, 'HostConfig.Dns'), dns.server];
  const out: Record<string, unknown> = { ...hostConfig, Dns: dnsServers };
  if (stringArrayField(hostConfig.DnsSearch, 'HostConfig.DnsSearch').length === 0) {
    // "." leaves the search path to the FQDN hostname we set; without one, search our domain.
    out.DnsSearch = dns.hostname ? ['.'] : [trimDot(dns.domain)];
  }
  return out;
}

function hostnameFields(body: Record<string, unknown>, dns: ContainerDnsOptions) {
  const domain = trimDot(dns.domain);
  const given = body.Hostname !== undefined && body.Hostname !== null && body.Hostname !== '';
  if (given || !dns.hostname || dns.hostname.length + 1 + domain.length > MAX_DOCKER_HOSTNAME) return {};
  return { Hostname: dns.hostname, Domainname: domain };
}

function trimDot(domain: string): string {
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

// Docker's StrSlice: null/absent is nil, a string is one element, otherwise an array of strings.
function toArgv(value: unknown, field: string): Argv {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  return stringArrayField(value, field);
}

function stringArrayField(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
  throw invalidBody(`${field} must be an array of strings`);
}

function objectField(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw invalidBody(`${field} must be an object`);
}

function invalidBody(message: string): InvalidInputError {
  return new InvalidInputError(ERRORS.WPX_INVALID_CREATE_BODY, message);
}
