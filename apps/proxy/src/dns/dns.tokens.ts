/** The token of the DnsEndpoint weaveDNS listens on (provided only with `--with-dns`). */
export const WEAVE_DNS_ENDPOINT = Symbol('WEAVE_DNS_ENDPOINT');

/** The token of the WeaveDnsSettings the create interceptor reads (only with `--with-dns`). */
export const WEAVE_DNS_SETTINGS = Symbol('WEAVE_DNS_SETTINGS');
