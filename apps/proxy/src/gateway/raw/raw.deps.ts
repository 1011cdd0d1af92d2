import { Duplex } from 'node:stream';
import { RelayMeter } from '../relay.meter';
import { RawTimeouts } from './client.timer';
import { DockerConnect } from './docker.link';
import { HeadInfo } from './llhttp';
import type { RawSession } from './raw.session';

/** What a raw session needs from the gateway. */
export interface RawSessionDeps {
  /** A new connection to dockerd (reading into `onread` where it can); writes before it is up are queued. */
  connect: DockerConnect;
  /** Whether a request may be relayed as bytes: not intercepted, not admin, no upgrade or hijack. */
  relaysRaw(head: HeadInfo): boolean;
  /** Gives the client connection to Node's HTTP server, `bytes` being the first it reads. */
  toHttpServer(client: Duplex, bytes: Buffer): void;
  /** Starts counting a request; the function returned gets the status it was answered with. */
  requestStarted(method: string | undefined, url: string): (status: number) => void;
  meter: RelayMeter;
  /** dockerd's address, for the Docker-shaped 502 when it cannot be reached. */
  daemonUrl: string;
  maxHeadBytes: number;
  timeouts: RawTimeouts;
  /** The session no longer owns the client connection (closed, or given to the HTTP server). */
  ended(session: RawSession): void;
}
