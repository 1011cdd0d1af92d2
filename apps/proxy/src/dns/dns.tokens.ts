/** The token of the DnsEndpoint weaveDNS listens on (null without `--with-dns`). */
export const WEAVE_DNS_ENDPOINT = Symbol('WEAVE_DNS_ENDPOINT');

/** The token of the WeaveDnsSettings the gateway's create endpoint reads (null without `--with-dns`). */
export const WEAVE_DNS_SETTINGS = Symbol('WEAVE_DNS_SETTINGS');
