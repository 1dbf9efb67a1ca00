/**
 * A minimal POSIX ustar writer and streaming reader: regular files only, which is all a backup holds. Written here
 * rather than taken from npm because the format is small and fixed, and the reader must be strict (a foreign or
 * damaged archive is refused, never half-read): bad checksums, links, devices and unsafe names are errors.
 */
const BLOCK = 512;

export class TarError extends Error {}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  const cut = name.lastIndexOf('/', name.length - 1);
  for (let i = cut; i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
  }
  throw new TarError(`name too long for a tar entry: ${name}`);
}

/** The 512-byte header of a regular file. */
export function fileHeader(path: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, name } = splitName(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 8, 'latin1');
  h.write(octal(0, 8), 108, 8, 'latin1');
  h.write(octal(0, 8), 116, 8, 'latin1');
  h.write(octal(size, 12), 124, 12, 'latin1');
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 12, 'latin1');
  h.write('        ', 148, 8, 'latin1');
  h.write('0', 156, 1, 'latin1');
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  h.write(octal(checksum(h), 7) + ' ', 148, 8, 'latin1');
  return h;
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return sum;
}

/** Tar bytes for the files, in order, then the two zero blocks that end an archive. */
export async function* tarStream(files: AsyncIterable<{ path: string; data: Buffer; mtimeMs?: number }>): AsyncGenerator<Buffer> {
  for await (const f of files) {
    yield fileHeader(f.path, f.data.length, f.mtimeMs ?? Date.now());
    yield f.data;
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? len : end).toString('utf8');
}

function parseHeader(h: Buffer): { path: string; size: number } {
  const stored = parseInt(field(h, 148, 8).trim() || 'x', 8);
  if (!Number.isFinite(stored) || stored !== checksum(h)) throw new TarError('not a tar archive (header checksum mismatch)');
  if (field(h, 257, 6) !== 'ustar') throw new TarError('not a ustar archive');
  const type = String.fromCharCode(h[156]);
  if (type !== '0' && h[156] !== 0) throw new TarError(`entry type ${JSON.stringify(type)} is not a regular file`);
  const size = parseInt(field(h, 124, 12).trim() || 'x', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new TarError('bad entry size');
  const prefix = field(h, 345, 155);
  const name = field(h, 0, 100);
  return { path: prefix ? `${prefix}/${name}` : name, size };
}

/** Receives one entry's bytes (in order) and then `null` at its end. */
export type EntrySink = (chunk: Buffer | null) => Promise<void>;

/**
 * Reads a tar stream entry by entry. `onEntry` is called with each entry's path and size and returns where its bytes
 * go; it may throw to refuse the entry (and the archive). Throws TarError on anything that is not a well-formed
 * archive, including a stream that ends before the end-of-archive blocks.
 */
export async function readTar(source: AsyncIterable<Buffer>, onEntry: (e: { path: string; size: number }) => Promise<EntrySink>): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  let sink: EntrySink | null = null;
  let remaining = 0;
  let padding = 0;
  let zeroBlocks = 0;
  for await (const chunk of source) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (sink) {
        if (remaining > 0) {
          if (!buf.length) break;
          const take = Math.min(remaining, buf.length);
          await sink(buf.subarray(0, take));
          buf = buf.subarray(take);
          remaining -= take;
          if (remaining > 0) break;
        }
        if (buf.length < padding) break;
        buf = buf.subarray(padding);
        await sink(null);
        sink = null;
        continue;
      }
      if (zeroBlocks >= 2) break;
      if (buf.length < BLOCK) break;
      const h = buf.subarray(0, BLOCK);
      buf = buf.subarray(BLOCK);
      if (h.every((b) => b === 0)) {
        zeroBlocks++;
        continue;
      }
      if (zeroBlocks) throw new TarError('data after the end-of-archive marker');
      const entry = parseHeader(h);
      sink = await onEntry(entry);
      remaining = entry.size;
      padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    }
  }
  if (sink || zeroBlocks < 2) throw new TarError('the archive is truncated');
}
