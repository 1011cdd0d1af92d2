/**
 * Counts the payload bytes of Docker's multiplexed stdout/stderr stream (8-byte frame headers:
 * stream type, 3 zero bytes, big-endian uint32 length) without keeping any of it.
 */
export class MuxPayloadCounter {
  payload = 0;
  total = 0;
  frames = 0;
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        this.payload += take;
        offset += take;
        continue;
      }
      const take = Math.min(8 - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + take);
      this.headerFill += take;
      offset += take;
      if (this.headerFill === 8) {
        this.remaining = this.header.readUInt32BE(4);
        this.headerFill = 0;
        this.frames += 1;
      }
    }
  }
}
