/** The injection token of the frozen ProxyConfig. */
export const PROXY_CONFIG = Symbol('PROXY_CONFIG');
