import { RelayMeter } from '../relay.meter';

/**
 * One request and its answer on a raw connection: what is known of the answer, whether each side
 * is through, and the bytes each way, counted once at the end (never per chunk).
 */
export class Exchange {
  /** dockerd's status; 0 until its answer head is in. */
  status = 0;
  /** dockerd keeps the connection after this answer (llhttp's should_keep_alive). */
  keepAlive = true;
  bodySent = false;
  complete = false;
  toDocker = 0;
  toClient = 0;

  constructor(private readonly done: (status: number) => void) {}

  /** Both the request and the answer are through. */
  get through(): boolean {
    return this.bodySent && this.complete;
  }

  /**
   * Counts the exchange: the request with its status (a client that left before dockerd answered
   * is counted as nginx does, 499), the bytes each way.
   */
  count(meter: RelayMeter): void {
    this.done(this.status || 499);
    meter.toDocker(this.toDocker);
    meter.toClient(this.toClient);
  }
}
