import * as http from 'node:http';
import * as https from 'node:https';
import { Socket } from 'node:net';
import { mayHijack } from '../gateway/hijack.requests';

// Node's request parser (llhttp through `internalBinding('http_parser')`) and its method table:
// the method reaches the headers-complete callback as an index into `_http_common.methods`.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { methods } = require('_http_common') as { methods: string[] };

type HeadersComplete = (this: ParserLike, ...args: unknown[]) => number;
interface ParserLike {
  socket?: unknown;
  _url?: string;
  constructor: { kOnHeadersComplete: number };
  [slot: number]: HeadersComplete;
  [HOOKED]?: boolean;
}

const HOOKED = Symbol('weave-proxy.hijack-hook');
const ARG_METHOD = 3;
const ARG_URL = 4;
const ARG_UPGRADE = 7;
/** Connections of the proxy's own listeners (parsers are pooled and shared with HTTP clients). */
const served = new WeakSet<object>();

/**
 * Makes `server` treat every request dockerd may hijack without `Upgrade` (exec start, attach:
 * `mayHijack`) as an upgrade: Node then stops parsing at the end of its head and emits `upgrade`
 * with every byte that follows, so stdin a client sends before dockerd's answer is never read
 * as another HTTP request (it was answered `400 Bad Request` and the stream lost). Node offers
 * no public hook for this: llhttp's headers-complete callback is wrapped, once per pooled parser,
 * and answers "upgrade" (its return value 2, as for `Connection: Upgrade`) for these requests on
 * this server's connections only. Whatever dockerd answers, the gateway's `UpgradeRelay` relays
 * it byte for byte and hands a connection that was not hijacked back to the HTTP server.
 */
export function announceHijacksAsUpgrades(server: http.Server): void {
  const event = server instanceof https.Server ? 'secureConnection' : 'connection';
  server.on(event, (socket: Socket & { parser?: ParserLike }) => {
    if (!socket.parser) return;
    served.add(socket);
    hook(socket.parser);
  });
}

function hook(parser: ParserLike): void {
  if (parser[HOOKED]) return;
  const slot = parser.constructor.kOnHeadersComplete;
  const original = parser[slot];
  parser[slot] = function (this: ParserLike, ...args: unknown[]): number {
    if (!args[ARG_UPGRADE] && served.has(this.socket as object)) {
      const url = (args[ARG_URL] as string | undefined) ?? this._url;
      if (mayHijack(methods[args[ARG_METHOD] as number], url)) args[ARG_UPGRADE] = true;
    }
    return original.apply(this, args);
  };
  parser[HOOKED] = true;
}
