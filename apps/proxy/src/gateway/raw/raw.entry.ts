import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { requestHead } from '../upgrade.exchange';
import { HeadInfo } from './llhttp';
import { RawSession, RawSessionDeps } from './raw.session';

/**
 * Starts relaying `client` as bytes from a request Node's HTTP server read and handed over as an
 * upgrade (`announceAsUpgrades`); `rest` is what the client sent after its head. Its head is
 * rebuilt from the request (as sent, less whitespace Node dropped). A response Node is still
 * writing on the connection (for a request pipelined before this one) is finished first.
 */
export function relayRawFrom(req: IncomingMessage, client: Duplex, rest: Buffer, deps: RawSessionDeps): RawSession {
  const session = new RawSession(client, deps);
  const first: HeadInfo = { method: req.method, url: req.url ?? '/', headers: req.rawHeaders, status: 0, upgrade: false, keepAlive: true };
  const start = (): void => session.start(first, Buffer.from(requestHead(req), 'latin1'), rest);
  const writing = (client as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (writing && !writing.writableFinished) writing.once('finish', start);
  else start();
  return session;
}
