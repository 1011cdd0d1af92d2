/**
 * Every error code the product shows a user, in one place (after fastify's `lib/errors.js`): one
 * entry per user-visible condition, with the HTTP status it is answered with and when it happens.
 * Throw sites name an entry (`new InvalidInputError(ERRORS.WPX_BAD_JSON, message)`); no `WPX_`
 * string is written anywhere else. The README's "Error codes" table is this list (a unit test
 * compares them), so a new entry needs a README row.
 *
 * Where a code is seen: the admin API answers `{code, message}`; the Docker API answers dockerd's
 * own `{"message": ...}` (the code is in the proxy log); startup errors print the message and exit.
 * `status: 'dockerd'` passes dockerd's own status through. `terminal` errors are not retried by
 * the controller (bad input or configuration, not a transient failure).
 */
export interface ErrorEntry<C extends string = string> {
  readonly code: C;
  readonly status: number | 'dockerd';
  readonly terminal: boolean;
  /** One line for the README: when a user meets this code. */
  readonly when: string;
}

type Entry = Omit<ErrorEntry, 'code'>;

const ENTRIES = {
  // Docker API requests the proxy handles itself (create, start, restart).
  WPX_BAD_JSON: { status: 400, terminal: true, when: 'a request body the proxy must read (create) is not a JSON object' },
  WPX_BODY_TOO_LARGE: { status: 413, terminal: true, when: "a request body of an endpoint the proxy reads is over the proxy's limit" },
  WPX_INVALID_CREATE_BODY: { status: 400, terminal: true, when: 'a create body field the proxy rewrites has the wrong type (Entrypoint: 5)' },
  WPX_NO_SUCH_IMAGE: { status: 404, terminal: false, when: 'create names an image dockerd does not have (the docker CLI then pulls it and retries)' },
  WPX_NO_COMMAND: { status: 500, terminal: true, when: 'create leaves neither Entrypoint nor Cmd to run (Docker\'s own "No command specified")' },
  WPX_INVALID_WEAVE_CIDR: { status: 400, terminal: true, when: "a container's WEAVE_CIDR does not parse (create, or the attach of a container created earlier)" },
  WPX_ADDRESS_IN_USE: { status: 409, terminal: true, when: 'a WEAVE_CIDR claims an address another container holds (an IPAM lease or a live container); names the holder' },
  WPX_ATTACH_FAILED: { status: 500, terminal: false, when: 'attaching a container to the weave network failed on the host (veth, namespace, addresses); retried' },
  WPX_COMMAND_FAILED: { status: 500, terminal: false, when: 'a host command (ip, nsenter, iptables) failed: the cause of an attach or bridge failure; retried' },
  WPX_PROCESS_CHANGED: { status: 500, terminal: false, when: "a container's process exited or was replaced while the proxy attached it (a crash loop); retried against the container as it is now" },
  WPX_ATTACH_DEADLINE: { status: 500, terminal: true, when: "a start's attach did not finish within --attach-timeout, retries included; the container is killed and the message names the last error" },
  WPX_SHUTTING_DOWN: { status: 503, terminal: true, when: 'a start or restart waits for its attach while the proxy stops' },
  WPX_DOCKER_API: { status: 'dockerd', terminal: false, when: "dockerd refused a call the proxy made for a request (dockerd's status and message)" },
  WPX_DOCKER_UNAVAILABLE: { status: 502, terminal: false, when: 'dockerd cannot be reached (socket missing, refused, reset)' },
  WPX_DOCKER_TIMEOUT: { status: 504, terminal: false, when: 'dockerd accepted a call the proxy made but did not answer within 10 s; retried' },

  // Addresses from IPAM.
  WPX_IPAM_EXHAUSTED: { status: 503, terminal: false, when: 'no free address is left in the subnet (retried: a release can free one)' },
  WPX_IPAM_SUBNET_OUTSIDE_RANGE: { status: 400, terminal: true, when: 'WEAVE_CIDR=net:SUBNET names a subnet outside the allocation range' },
  WPX_IPAM_INVALID_SUBNET: { status: 400, terminal: true, when: 'a subnet is not a network address with its prefix length (net:10.2.0.5/24)' },
  WPX_IPAM_SUBNET_TOO_SMALL: { status: 400, terminal: true, when: 'a subnet has no host address (/31, /32)' },
  WPX_IPAM_INVALID_ADDRESS: { status: 400, terminal: true, when: "a claimed address is not a host address of its subnet (the network or broadcast address)" },
  WPX_IPAM_STORE_UNAVAILABLE: { status: 503, terminal: false, when: 'the lease store does not answer (etcd down, database file not writable); retried' },
  WPX_IPAM_NOT_CONFIGURED: { status: 500, terminal: true, when: 'an automatic address is asked for where no IPAM is configured (only the weave library without IPAM)' },
  WPX_IPAM_RANGE_MISMATCH: { status: 500, terminal: true, when: 'the IPAM store holds addresses of another range than --iprange (see "Changing the allocation range")' },

  // Startup: bad flags or an environment the proxy cannot run in (message printed, exit status 1 or 2).
  WPX_BAD_CONFIG: { status: 400, terminal: true, when: 'startup: one or more launch-proxy flags are invalid (every problem listed, exit 2)' },
  WPX_IPAM_INVALID_OPTIONS: { status: 400, terminal: true, when: 'startup: the IPAM range or store is invalid (--iprange, --store)' },
  WPX_BAD_DOCKER_HOST: { status: 400, terminal: true, when: 'startup: -H/--docker-host is not unix:///path or tcp://host:port' },
  WPX_BAD_LISTEN: { status: 400, terminal: true, when: 'startup or weave status/ps: a listen address is not tcp://host:port or unix:///path' },
  WPX_LISTEN_IN_USE: { status: 400, terminal: true, when: 'startup: a unix socket to listen on is in use by a live process, or cannot be created' },
  WPX_INVALID_HOSTNAME_MATCH: { status: 400, terminal: true, when: 'startup: --hostname-match is not a valid regular expression' },
  WPX_DNS_BAD_ADDRESS: { status: 400, terminal: true, when: 'startup: --dns-listen or --dns-upstream is not ADDR[:PORT]' },
  WPX_DNS_NO_BRIDGE_ADDRESS: { status: 500, terminal: true, when: "startup: --with-dns without --dns-listen, and docker's bridge has no IPv4 address to listen on" },
  WPX_DNS_LISTEN: { status: 500, terminal: true, when: 'startup: the DNS server cannot bind its UDP or TCP socket (port taken, address not on this host)' },
  WPX_DNS_UPSTREAM_FAILED: { status: 500, terminal: false, when: 'an upstream resolver did not answer in time or answered something unusable (the query gets SERVFAIL; logged)' },

  // The admin API (`/_weave/...`) and the `weave status`/`weave ps` commands.
  WPX_BAD_REQUEST: { status: 400, terminal: true, when: 'admin API: a bad query (GET /_weave/containers?phase=bogus) or another client error' },
  WPX_NOT_FOUND: { status: 404, terminal: true, when: 'admin API: no such path under /_weave/' },
  WPX_DOCKER_API_NOT_SERVED: { status: 404, terminal: true, when: 'admin listener (--admin-listen): a Docker API request (GET /containers/json, /_ping); it serves only /_weave/' },
  WPX_METHOD_NOT_ALLOWED: { status: 405, terminal: true, when: 'admin API: the method is not allowed on that path' },
  WPX_ADMIN_READ_ONLY: { status: 405, terminal: true, when: 'admin listener (--admin-listen): a request that changes something (weave expose, hide, rmpeer); those go to a -L listener' },
  WPX_UNAVAILABLE: { status: 503, terminal: false, when: 'admin API: the answer needs something that is not available now' },
  WPX_INTERNAL: { status: 500, terminal: false, when: 'admin API: an unexpected error (details only in the proxy log)' },
  WPX_ADMIN_UNREACHABLE: { status: 500, terminal: false, when: 'weave status/ps: the proxy at -L does not answer, or answers an error' },

  // Several hosts (`--store etcd://`): peers, `weave rmpeer`, `weave expose`.
  WPX_PEER_LIVE: { status: 409, terminal: true, when: 'DELETE /_weave/peers/ID (weave rmpeer): that peer is live (registered in etcd); stop its proxy, or wait until its lease expires' },
  WPX_PEERS_DISABLED: { status: 400, terminal: true, when: 'DELETE /_weave/peers/ID (weave rmpeer): the proxy runs without --store etcd://, so it has no peers' },
} as const satisfies Record<`WPX_${string}`, Entry>;

export type ErrorCode = keyof typeof ENTRIES;

type Catalogue = { readonly [C in ErrorCode]: ErrorEntry<C> & (typeof ENTRIES)[C] };

/** The catalogue, by code: `ERRORS.WPX_IPAM_EXHAUSTED.status === 503`. */
export const ERRORS: Catalogue = Object.freeze(
  Object.fromEntries(Object.entries(ENTRIES).map(([code, e]) => [code, Object.freeze({ code, ...e })])),
) as Catalogue;

/** Every entry, in the README's order. */
export function errorCatalogue(): ErrorEntry<ErrorCode>[] {
  return Object.values(ERRORS);
}
