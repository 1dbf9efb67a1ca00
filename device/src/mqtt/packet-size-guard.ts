import { Duplex } from 'node:stream';

/**
 * Wraps a client connection and destroys it as soon as an incoming MQTT packet announces a
 * remaining length above `maxPacketBytes`, before the broker buffers it. Only the fixed header
 * (type byte + variable-length "remaining length") is read; bytes pass through unchanged.
 */
export class PacketSizeGuard extends Duplex {
  /** Bytes still to skip in the current packet's body; -1 while reading a header. */
  private bodyLeft = -1;
  private headerType = false;
  private lengthValue = 0;
  private lengthMultiplier = 1;
  private lengthBytes = 0;

  constructor(
    private readonly inner: Duplex,
    private readonly maxPacketBytes: number,
  ) {
    super({ allowHalfOpen: false });
    inner.on('data', (chunk: Buffer) => {
      const problem = this.scan(chunk);
      if (problem) {
        this.destroy(problem);
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (e) => this.destroy(e));
    inner.on('close', () => this.destroy());
  }

  /** Walk packet boundaries through the chunk; returns an error for an oversized or malformed header. */
  private scan(chunk: Buffer): Error | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const skip = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= skip;
        i += skip;
        if (this.bodyLeft === 0) this.bodyLeft = -1;
        continue;
      }
      if (!this.headerType) {
        this.headerType = true;
        this.lengthValue = 0;
        this.lengthMultiplier = 1;
        this.lengthBytes = 0;
        i++;
        continue;
      }
      const byte = chunk[i++];
      this.lengthValue += (byte & 0x7f) * this.lengthMultiplier;
      this.lengthMultiplier *= 128;
      this.lengthBytes++;
      if (this.lengthValue > this.maxPacketBytes) {
        return new Error(`MQTT packet larger than ${this.maxPacketBytes} bytes refused`);
      }
      if (byte & 0x80) {
        if (this.lengthBytes >= 4) return new Error('malformed MQTT remaining length');
        continue;
      }
      this.headerType = false;
      this.bodyLeft = this.lengthValue === 0 ? -1 : this.lengthValue;
    }
    return null;
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    if (this.inner.write(chunk, encoding)) done();
    else this.inner.once('drain', () => done());
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], done: (e?: Error | null) => void): void {
    this.inner.cork();
    let flushed = true;
    for (const { chunk, encoding } of chunks) flushed = this.inner.write(chunk, encoding);
    this.inner.uncork();
    if (flushed) done();
    else this.inner.once('drain', () => done());
  }

  override _final(done: (e?: Error | null) => void): void {
    this.inner.end(() => done());
  }

  override _destroy(error: Error | null, done: (e?: Error | null) => void): void {
    this.inner.destroy(error ?? undefined);
    done(error);
  }
}
