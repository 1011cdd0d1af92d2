/** What the weave lib is told by the app (from the proxy's config). */
export interface WeaveOptions {
  bridge: string;
  withIpam: boolean;
  /** Host directory bind-mounted read-only at /w (holds the weavewait binary `w`). */
  weavewaitDir: string;
  rewriteHosts: boolean;
  multicastRoute: boolean;
  /** ethwe's MTU, bytes (room for an encapsulation such as VXLAN); unset: the bridge's. */
  mtu?: number;
  /** The weaveDNS domain without trailing dot, when DNS is on (names in /etc/hosts). */
  dnsDomain?: string;
}

export const WEAVE_OPTIONS = Symbol('WEAVE_OPTIONS');
