import { Duplex, Readable, Writable } from 'node:stream';
import { RelayMeter } from './relay.meter';

/**
 * Raw bytes both ways once dockerd has hijacked a connection: its output to the client, the
 * client's stdin to dockerd, each direction ended (half-closed) on its own EOF, so the CLI's stdin
 * EOF reaches the container while the container's output still flows back. `clientEnded`: the
 * client's EOF came before the stream started (nothing more will come from it).
 */
export function relayRaw(client: Duplex, fromDocker: Readable, toDocker: Writable, meter: RelayMeter, clientEnded = false): void {
  fromDocker.pipe(client);
  if (clientEnded) toDocker.end();
  else client.pipe(toDocker);
  // Only now: with the pipes attached, counting takes nothing from them.
  client.on('data', (c: Buffer) => meter.toDocker(c.length));
  fromDocker.on('data', (c: Buffer) => meter.toClient(c.length));
}

/**
 * Ends `s` once one side of a relay is gone: what was already ended is flushed first (the last
 * output of a container must reach a slow client), anything else is cut at once.
 */
export function release(s: Duplex): void {
  if (s.destroyed) return;
  if (s.writableEnded && !s.writableFinished) s.once('finish', () => s.destroy());
  else s.destroy();
}

/**
 * Writes `chunk` to `to`; when `to` is full, pauses `from` until it drains (the backpressure a
 * `pipe` would apply, for a relay that must look at every chunk).
 */
export function writeOrPause(to: Writable, chunk: Buffer, from: Readable): void {
  if (to.write(chunk) || from.isPaused()) return;
  from.pause();
  to.once('drain', () => from.resume());
}

/**
 * Raw bytes both ways between `client` and dockerd's `upstream` from now on (`relayRaw`), `held`
 * (what the client sent ahead) first; either side closing releases the other.
 */
export function tunnel(client: Duplex, upstream: Duplex, held: Buffer[], meter: RelayMeter): void {
  for (const b of held) upstream.write(b);
  relayRaw(client, upstream, upstream, meter);
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => release(client));
  client.resume();
}
