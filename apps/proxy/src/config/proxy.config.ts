import {
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LISTEN_URL = /^(unix:\/\/\/.+|tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/\s]*):\d{1,5})$/;
const DOCKER_URL = /^(unix:\/\/\/.+|(tcp|http|https):\/\/[^\s/]+)$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * Everything the proxy is told at start, validated once by the config loader and then frozen.
 * Only the loader builds one of these; everything else receives it through injection.
 */
export class ProxyConfig {
  @Matches(DOCKER_URL, { message: 'docker host must be unix:///path or tcp://host:port' })
  dockerHost = 'unix:///var/run/docker.sock';

  @ArrayMinSize(1)
  @Matches(LISTEN_URL, { each: true, message: 'listen address must be tcp://host:port or unix:///path' })
  listen: string[] = ['tcp://0.0.0.0:12375'];

  @IsIn(LOG_LEVELS as unknown as string[])
  logLevel: LogLevel = 'info';

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,15}$/, { message: 'bridge must be a valid interface name (1-15 characters)' })
  bridge = 'weave';

  @IsBoolean() withIpam = false;
  @Matches(CIDR, { message: 'iprange must be an IPv4 CIDR such as 10.32.0.0/12' })
  iprange = '10.32.0.0/12';
  @IsString() store = 'sqlite';
  @IsString() stateDir = '/var/lib/weave-proxy';
  @IsString() hostId = '';
  @IsInt() @Min(0) @Max(86400) releaseGraceSeconds = 30;

  @IsBoolean() rewriteInspect = false;
  @IsBoolean() rewriteHosts = true;
  @IsBoolean() multicastRoute = true;
  @IsInt() @Min(1) @Max(86400) resyncIntervalSeconds = 60;
  /** How long a start waits for the attach, retries included, before the container is killed. */
  @IsNumber() @Min(1) @Max(3600) attachTimeoutSeconds = 20;

  @IsBoolean() withDns = false;
  @IsOptional() @IsString() dnsListen?: string;
  @IsString() dnsDomain = 'weave.local.';
  @IsOptional() @IsString({ each: true }) dnsUpstream?: string[];
  @IsOptional() @IsString() hostnameFromLabel?: string;
  @IsString() hostnameMatch = '(.*)';
  @IsString() hostnameReplacement = '$1';

  @IsBoolean() tls = false;
  @IsBoolean() tlsVerify = false;
  @IsOptional() @IsString() tlsCaCert?: string;
  @IsOptional() @IsString() tlsCert?: string;
  @IsOptional() @IsString() tlsKey?: string;
  @IsBoolean() dockerTlsVerify = false;
  @IsOptional() @IsString() dockerTlsCaCert?: string;
  @IsOptional() @IsString() dockerTlsCert?: string;
  @IsOptional() @IsString() dockerTlsKey?: string;

  /** Where the weavewait binary lives on the host (bind-mounted read-only at /w). */
  @IsString() weavewaitDir = '';
}
