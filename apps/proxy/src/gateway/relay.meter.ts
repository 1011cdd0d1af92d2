/** Byte and error counts of the relay (metrics); no-ops by default. */
export interface RelayMeter {
  toDocker(bytes: number): void;
  toClient(bytes: number): void;
  upstreamError(): void;
}

/** A relay meter that also counts hijacked streams (`weave_proxy_hijacked_streams_open`). */
export interface StreamMeter extends RelayMeter {
  opened(): void;
  closed(): void;
}

export const NO_METER: RelayMeter = { toDocker: () => {}, toClient: () => {}, upstreamError: () => {} };

export const NO_STREAM_METER: StreamMeter = { ...NO_METER, opened: () => {}, closed: () => {} };
