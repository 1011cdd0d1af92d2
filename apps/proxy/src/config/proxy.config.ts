import { hostname } from 'node:os';
import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from '../validation/class-validator';
import { IpEndpoint } from '@app/common';
import { Check, dnsDomainProblem, dockerHostProblem, hostnameMatchProblem, ipv4AddressProblem, listenProblem, nonEmptyProblem } from './flag.checks';
import { DEFAULT_LISTEN_PLAIN } from './listen.policy';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Everything the proxy is told at start, validated once by the config loader (every flag, all
 * problems at once) and then frozen. Only the loader builds one of these; everything else receives
 * it through injection and only reads it: values are already parsed (durations in seconds, DNS
 * addresses as endpoints) or already checked with the very parser their module uses.
 */
export class ProxyConfig {
  @Check(dockerHostProblem)
  dockerHost = 'unix:///var/run/docker.sock';

  /** The Docker API listeners. Default: loopback, or `tcp://0.0.0.0:12375` with TLS (listen.policy.ts). */
  @ArrayMinSize(1)
  @Check(listenProblem)
  listen: string[] = [DEFAULT_LISTEN_PLAIN];

  /** Listeners that serve only the read-only admin API (`/_weave/`), never the Docker API; plain HTTP. */
  @Check(listenProblem)
  adminListen: string[] = [];

  @IsIn(LOG_LEVELS as unknown as string[], { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  logLevel: LogLevel = 'info';

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,15}$/, { message: 'must be a valid interface name (1-15 letters, digits, _ . -)' })
  bridge = 'weave';

  @IsBoolean() withIpam = false;
  /** A network CIDR of /30 or larger; checked with the IPAM's own rules (ipamOptionProblems). */
  @IsString() iprange = '10.32.0.0/12';
  @IsString() store = 'sqlite';
  @IsString() stateDir = '/var/lib/weave-proxy';
  /** Default: this machine's hostname. */
  @IsString() hostId = hostname();
  /**
   * This host's underlay address, announced to the other peers (`--store etcd://` only). Unset: the
   * local address the kernel picks to reach the first etcd endpoint (found at boot).
   */
  @IsOptional() @Check(ipv4AddressProblem) peerAddress?: string;
  /** The VXLAN network identifier of the weave network (`--store etcd://` only), the same on every host. */
  @IsInt() @Min(1) @Max(16777215) vxlanVni = 4242;
  /** The UDP port VXLAN packets go to, the same on every host. */
  @IsInt() @Min(1) @Max(65535) vxlanPort = 4789;
  /**
   * ethwe's MTU, bytes. Unset: 1450 with `--store etcd://` (a 1500-byte underlay minus VXLAN's 50
   * bytes), else the bridge's.
   */
  @IsOptional() @IsInt() @Min(576) @Max(65485) mtu?: number;
  /**
   * Whole seconds, 1 … 86400 (`--store etcd://` only): a peer absent from the registry this long (as
   * seen by a live peer) has its IPAM leases reclaimed. Longer than a reboot: a reclaimed address
   * may go to another container while the dead host's containers still use it.
   */
  @IsInt() @Min(1) @Max(86400) peerReclaimAfterSeconds = 600;
  /** Whole seconds, 0 … 86400 (`--release-grace 2m` is 120). */
  @IsInt() @Min(0) @Max(86400) releaseGraceSeconds = 30;

  @IsBoolean() rewriteInspect = false;
  @IsBoolean() rewriteHosts = true;
  @IsBoolean() multicastRoute = true;
  /** Whole seconds, 1 … 86400. */
  @IsInt() @Min(1) @Max(86400) resyncIntervalSeconds = 60;
  /** How long a start waits for the attach, retries included, before the container is killed; whole seconds, 1 … 3600. */
  @IsInt() @Min(1) @Max(3600) attachTimeoutSeconds = 20;

  @IsBoolean() withDns = false;
  /** Unset: the docker bridge's address, port 53 (found at boot). */
  @IsOptional() dnsListen?: IpEndpoint;
  @Check(dnsDomainProblem) dnsDomain = 'weave.local.';
  /** Unset: the host's resolv.conf servers (read at boot). */
  @IsOptional() dnsUpstream?: IpEndpoint[];
  /** Queries per second one client address may send weaveDNS over the long run (token refill). */
  @IsInt() @Min(1) @Max(1_000_000) dnsClientRate = 5_000;
  /** Queries one client address may send at once before the rate applies; unset: twice the rate. */
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) dnsClientBurst?: number;
  @IsOptional() @Check(nonEmptyProblem) hostnameFromLabel?: string;
  @Check(hostnameMatchProblem) hostnameMatch = '(.*)';
  @IsString() hostnameReplacement = '$1';

  @IsBoolean() tls = false;
  @IsBoolean() tlsVerify = false;
  /** `--tls=false` or `--tlsverify=false` given explicitly: plain TCP on a non-loopback -L is the operator's choice. */
  @IsBoolean() tlsOff = false;
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
