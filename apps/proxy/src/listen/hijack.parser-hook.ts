import * as http from 'node:http';
import * as https from 'node:https';
import { Socket } from 'node:net';
// The method reaches llhttp's headers-complete callback as an index into Node's method table.
import { METHODS } from '../gateway/raw/llhttp';


type HeadersComplete = (this: ParserLike, ...args: unknown[]) => number;
interface ParserLike {
  socket?: unknown;
  _url?: string;
  incoming?: object;
  constructor: { kOnHeadersComplete: number };
  [slot: number]: HeadersComplete;
  [HOOKED]?: boolean;
}

const HOOKED = Symbol('weave-proxy.hijack-hook');
const ARG_METHOD = 3;
const ARG_URL = 4;
const ARG_UPGRADE = 7;
/** Connections of the proxy's own listeners (parsers are pooled and shared with HTTP clients). */
const served = new WeakMap<object, Wanted>();
/** Requests this hook turned into upgrades (they did not ask for one). */
const announced = new WeakSet<object>();

/** Whether a request (method, request target as sent) should reach the `upgrade` event. */
export type Wanted = (method: string | undefined, url: string | undefined) => boolean;

/** Whether `req` reached the `upgrade` event because of `announceAsUpgrades`, not by asking. */
export function wasAnnounced(req: object): boolean {
  return announced.has(req);
}

/**
 * Makes `server` treat every request `wanted` picks as an upgrade: Node then stops parsing at the
 * end of its head and emits `upgrade` with every byte that follows. Two kinds are picked:
 * - requests dockerd may hijack without `Upgrade` (exec start, attach: `mayHijack`), so stdin a
 *   client sends before dockerd's answer is never read as another HTTP request (it was answered
 *   `400 Bad Request` and the stream lost); the gateway's `UpgradeRelay` relays them;
 * - pass-through requests, whose connection the gateway then relays as bytes (`RawSession`).
 * Node offers no public hook for this: llhttp's headers-complete callback is wrapped, once per
 * pooled parser, and answers "upgrade" (its return value 2, as for `Connection: Upgrade`) for
 * these requests on this server's connections only; `wasAnnounced` tells them from real upgrades.
 */
export function announceAsUpgrades(server: http.Server, wanted: Wanted): void {
  const event = server instanceof https.Server ? 'secureConnection' : 'connection';
  server.on(event, (socket: Socket & { parser?: ParserLike }) => {
    if (!socket.parser) return;
    served.set(socket, wanted);
    hook(socket.parser);
  });
}

function hook(parser: ParserLike): void {
  if (parser[HOOKED]) return;
  const slot = parser.constructor.kOnHeadersComplete;
  const original = parser[slot];
  parser[slot] = function (this: ParserLike, ...args: unknown[]): number {
    const wanted = args[ARG_UPGRADE] ? undefined : served.get(this.socket as object);
    if (!wanted?.(METHODS[args[ARG_METHOD] as number], (args[ARG_URL] as string | undefined) || this._url)) return original.apply(this, args);
    args[ARG_UPGRADE] = true;
    const ret = original.apply(this, args);
    if (this.incoming) announced.add(this.incoming);
    return ret;
  };
  parser[HOOKED] = true;
}
