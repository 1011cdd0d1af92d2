import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its initial size (two 1 MiB semispaces on 64-bit) instead of
 * letting it grow to the default 16 MiB each (issue 13). Two reasons, both measured:
 *  - idle: startup allocates fast enough to grow the young generation to its maximum at once, and
 *    V8 never gives it back while the proxy is idle: about 14 MB of the idle RSS;
 *  - streams: a relayed chunk is a 64 KiB Buffer whose memory is freed only when a GC collects its
 *    small JS wrapper; the larger the young generation, the more dead chunks pile up between
 *    scavenges (peak RSS in the logs and archive streams about 40 MB higher with 16 MiB).
 * The price: more scavenges. A `/_ping` allocates about 40 KB, so one runs every ~26 requests:
 * about 8 us more CPU per `/_ping` (+7 %, measured; see README.md). 2 MiB semispaces halve
 * that but raised the stream peaks by about 25 MB.
 *
 * `--max-semi-space-size` is read only when the heap is set up, so it would have to be on the node
 * command line (and the proxy is also started as `weave launch-proxy` through the shebang, where
 * no flag can go portably). The growth factor is read at each growth, so setting it here, before
 * anything else is loaded, works: a factor of 1 means "grow to 1× the current size".
 */
export const YOUNG_GENERATION_FLAGS = ['--semi-space-growth-factor=1'];

for (const flag of YOUNG_GENERATION_FLAGS) setFlagsFromString(flag);
