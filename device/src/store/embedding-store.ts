import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { ensureDir, fsyncDir, removeStaleTemps } from './atomic-file.js';
import { DurableJsonFile } from './durable-json-file.js';
import { StoreError } from './errors.js';

/**
 * Face embeddings on disk:
 * - `vectors-<gen>.bin`: a 16-byte header (magic `CVAEMB01`, uint32 dim, uint32 record bytes) then
 *   fixed-size Float32 records, appended only;
 * - `index.json` (lowdb): sampleId → {personId, offset, quality, createdAt, cropId?}.
 * Crash safety comes from ordering: vectors are written and fsynced BEFORE the index (written
 * atomically) points at them, so the index only ever references durable records. A torn tail is
 * truncated on open; unreferenced records are dead space that `compact()` reclaims by writing the
 * next generation file and atomically switching the index to it.
 * One instance per directory: two open stores on the same files would each append at their own
 * idea of the end (share the instance instead — ApplianceStore accepts an open one).
 */
const MAGIC = Buffer.from('CVAEMB01', 'latin1');
const HEADER_BYTES = 16;

const EntrySchema = z.object({
  personId: z.string().min(1).max(64),
  offset: z.number().int().min(HEADER_BYTES),
  quality: z.number().finite().min(0),
  createdAt: z.number().int().min(0),
  cropId: z.string().max(128).optional(),
});
const IndexSchema = z.object({
  version: z.literal(1),
  dim: z.number().int().min(1).max(4096),
  gen: z.number().int().min(1),
  samples: z.record(z.string(), EntrySchema),
});
type IndexData = z.infer<typeof IndexSchema>;

export interface EmbeddingEntry {
  sampleId: string;
  personId: string;
  offset: number;
  quality: number;
  createdAt: number;
  cropId?: string;
}

export interface NewEmbedding {
  personId: string;
  vector: Float32Array;
  quality: number;
  /** Epoch ms; defaults to now. */
  createdAt?: number;
  cropId?: string;
}

export interface EmbeddingStoreOptions {
  dir: string;
  /** Vector length (512 for the recognition model); must match an existing store. */
  dim: number;
  /** Compact automatically once dead records exceed this share of the file (and 256 records). */
  compactDeadRatio?: number;
}

const fileName = (gen: number) => `vectors-${gen}.bin`;

export class EmbeddingStore {
  private serial: Promise<unknown> = Promise.resolve();
  private pendingAdds: { item: NewEmbedding; sampleId: string; resolve: (e: EmbeddingEntry) => void; reject: (e: unknown) => void }[] = [];
  private liveBytes = 0;

  private constructor(
    private readonly opts: Required<EmbeddingStoreOptions>,
    private readonly db: Low<IndexData>,
    private fh: FileHandle,
    private endOffset: number,
  ) {
    this.liveBytes = Object.keys(db.data.samples).length * this.recordBytes;
  }

  static async open(options: EmbeddingStoreOptions): Promise<EmbeddingStore> {
    const opts = { compactDeadRatio: 0.5, ...options };
    if (!Number.isInteger(opts.dim) || opts.dim < 1 || opts.dim > 4096) throw new StoreError('bad-input', `dim ${opts.dim} out of range`);
    await ensureDir(opts.dir);
    const indexFile = join(opts.dir, 'index.json');
    await removeStaleTemps(indexFile);
    const db = new Low<IndexData>(new DurableJsonFile<IndexData>(indexFile), { version: 1, dim: opts.dim, gen: 1, samples: {} });
    await db.read();
    const parsed = IndexSchema.safeParse(db.data);
    if (!parsed.success) throw new StoreError('corrupt', `${indexFile}: does not validate`, parsed.error.issues.slice(0, 5));
    db.data = parsed.data;
    if (db.data.dim !== opts.dim) throw new StoreError('invalid', `embedding store has dim ${db.data.dim}, asked for ${opts.dim}`);

    const bin = join(opts.dir, fileName(db.data.gen));
    const fh = await open(bin, constants.O_RDWR | constants.O_CREAT, 0o644);
    const recordBytes = opts.dim * 4;
    let size = (await fh.stat()).size;
    if (size < HEADER_BYTES) {
      // New (or header never made it to disk): only possible while the index references nothing.
      if (Object.keys(db.data.samples).length) throw new StoreError('corrupt', `${bin}: header missing but index has samples`);
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header, 0);
      header.writeUInt32LE(opts.dim, 8);
      header.writeUInt32LE(recordBytes, 12);
      await fh.truncate(0);
      await fh.write(header, 0, HEADER_BYTES, 0);
      await fh.sync();
      await fsyncDir(opts.dir);
      size = HEADER_BYTES;
    } else {
      const header = Buffer.alloc(HEADER_BYTES);
      await fh.read(header, 0, HEADER_BYTES, 0);
      if (!header.subarray(0, 8).equals(MAGIC) || header.readUInt32LE(8) !== opts.dim || header.readUInt32LE(12) !== recordBytes) {
        await fh.close();
        throw new StoreError('corrupt', `${bin}: bad header`);
      }
    }
    // A record torn by a crash is never referenced (the index is written after fsync): drop it.
    const aligned = HEADER_BYTES + Math.floor((size - HEADER_BYTES) / recordBytes) * recordBytes;
    if (aligned !== size) {
      await fh.truncate(aligned);
      await fh.sync();
    }
    for (const [id, e] of Object.entries(db.data.samples)) {
      if (e.offset + recordBytes > aligned || (e.offset - HEADER_BYTES) % recordBytes !== 0) {
        await fh.close();
        throw new StoreError('corrupt', `${indexFile}: sample ${id} points outside ${bin}`);
      }
    }
    // Leftovers of an interrupted compaction (the index never switched to them, or already left them).
    for (const name of await readdir(opts.dir)) {
      if (/^vectors-\d+\.bin$/.test(name) && name !== fileName(db.data.gen)) await unlink(join(opts.dir, name)).catch(() => {});
    }
    return new EmbeddingStore(opts, db, fh, aligned);
  }

  get dim(): number {
    return this.opts.dim;
  }

  get size(): number {
    return Object.keys(this.db.data.samples).length;
  }

  private get recordBytes(): number {
    return this.opts.dim * 4;
  }

  entries(): EmbeddingEntry[] {
    return Object.entries(this.db.data.samples).map(([sampleId, e]) => ({ sampleId, ...e }));
  }

  entry(sampleId: string): EmbeddingEntry | undefined {
    const e = Object.hasOwn(this.db.data.samples, sampleId) ? this.db.data.samples[sampleId] : undefined;
    return e ? { sampleId, ...e } : undefined;
  }

  entriesOf(personId: string): EmbeddingEntry[] {
    return this.entries().filter((e) => e.personId === personId);
  }

  /** Durably store a vector; resolves once both the record and the index entry are on disk. */
  add(item: NewEmbedding): Promise<EmbeddingEntry> {
    const problem = this.checkNew(item);
    if (problem) return Promise.reject(new StoreError('invalid', problem));
    const copy: NewEmbedding = { ...item, vector: Float32Array.from(item.vector) };
    return new Promise((resolve, reject) => {
      this.pendingAdds.push({ item: copy, sampleId: `E${randomBytes(8).toString('hex')}`, resolve, reject });
      if (this.pendingAdds.length === 1) void this.exclusive(() => this.commitAdds()).catch(() => {});
    });
  }

  async vector(sampleId: string): Promise<Float32Array | null> {
    const e = this.entry(sampleId);
    if (!e) return null;
    const buf = Buffer.alloc(this.recordBytes);
    await this.exclusive(() => this.fh.read(buf, 0, this.recordBytes, e.offset));
    return new Float32Array(buf.buffer, buf.byteOffset, this.opts.dim);
  }

  /** Every live vector as one row-major matrix (rows in `ids` order) — how the 1:N index loads. */
  async matrix(): Promise<{ ids: string[]; personIds: string[]; data: Float32Array }> {
    return this.exclusive(async () => {
      const entries = this.entries();
      const data = new Float32Array(entries.length * this.opts.dim);
      const rowAt = new Map(entries.map((e, row) => [e.offset, row]));
      // Stream the file in chunks so memory stays at the matrix size, not the file size.
      const chunkRecords = 1024;
      const chunk = Buffer.alloc(chunkRecords * this.recordBytes);
      for (let pos = HEADER_BYTES; pos < this.endOffset; pos += chunk.length) {
        const { bytesRead } = await this.fh.read(chunk, 0, Math.min(chunk.length, this.endOffset - pos), pos);
        const floats = new Float32Array(chunk.buffer, chunk.byteOffset, bytesRead / 4);
        for (let r = 0; r * this.recordBytes < bytesRead; r++) {
          const row = rowAt.get(pos + r * this.recordBytes);
          if (row !== undefined) data.set(floats.subarray(r * this.opts.dim, (r + 1) * this.opts.dim), row * this.opts.dim);
        }
      }
      return { ids: entries.map((e) => e.sampleId), personIds: entries.map((e) => e.personId), data };
    });
  }

  async remove(sampleId: string): Promise<boolean> {
    const removed = await this.removeWhere((id) => id === sampleId);
    return removed.length === 1;
  }

  /** Forget every sample of a person; returns them (their cropIds let the caller delete crops). */
  removePerson(personId: string): Promise<EmbeddingEntry[]> {
    return this.removeWhere((_, e) => e.personId === personId);
  }

  /** Move samples to another person (identity merge/split). Returns how many moved. */
  async relabel(sampleIds: readonly string[], personId: string): Promise<number> {
    if (!personId || personId.length > 64) throw new StoreError('invalid', 'personId must be 1–64 characters');
    return this.exclusive(async () => {
      const next = structuredClone(this.db.data);
      let moved = 0;
      for (const id of sampleIds) {
        if (Object.hasOwn(next.samples, id)) {
          next.samples[id].personId = personId;
          moved++;
        }
      }
      if (moved) await this.writeIndex(next);
      return moved;
    });
  }

  /** Rewrite live records into the next generation file and switch the index to it. */
  compact(): Promise<{ before: number; after: number }> {
    return this.exclusive(() => this.compactNow());
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.fh.close());
  }

  private checkNew(item: NewEmbedding): string | null {
    if (!(item.vector instanceof Float32Array) || item.vector.length !== this.opts.dim) return `vector must be a Float32Array of ${this.opts.dim}`;
    for (const x of item.vector) if (!Number.isFinite(x)) return 'vector has a non-finite value';
    if (!EntrySchema.shape.personId.safeParse(item.personId).success) return 'personId must be 1–64 characters';
    if (!Number.isFinite(item.quality) || item.quality < 0) return 'quality must be a finite number >= 0';
    if (item.cropId !== undefined && (typeof item.cropId !== 'string' || item.cropId.length > 128)) return 'cropId too long';
    return null;
  }

  /** Group commit: all adds queued so far share one write, one fsync and one index rewrite. */
  private async commitAdds(): Promise<void> {
    const batch = this.pendingAdds.splice(0);
    if (!batch.length) return;
    const buf = Buffer.alloc(batch.length * this.recordBytes);
    batch.forEach((b, i) => Buffer.from(b.item.vector.buffer, b.item.vector.byteOffset, this.recordBytes).copy(buf, i * this.recordBytes));
    const start = this.endOffset;
    try {
      await this.fh.write(buf, 0, buf.length, start);
      await this.fh.sync();
      this.endOffset = start + buf.length;
      const next = structuredClone(this.db.data);
      const made: EmbeddingEntry[] = batch.map((b, i) => {
        const e = {
          personId: b.item.personId,
          offset: start + i * this.recordBytes,
          quality: b.item.quality,
          createdAt: Math.trunc(b.item.createdAt ?? Date.now()),
          ...(b.item.cropId !== undefined ? { cropId: b.item.cropId } : {}),
        };
        next.samples[b.sampleId] = e;
        return { sampleId: b.sampleId, ...e };
      });
      await this.writeIndex(next);
      this.liveBytes += buf.length;
      batch.forEach((b, i) => b.resolve(made[i]));
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    }
  }

  private removeWhere(pred: (sampleId: string, e: z.infer<typeof EntrySchema>) => boolean): Promise<EmbeddingEntry[]> {
    return this.exclusive(async () => {
      const next = structuredClone(this.db.data);
      const removed: EmbeddingEntry[] = [];
      for (const [id, e] of Object.entries(next.samples)) {
        if (pred(id, e)) {
          removed.push({ sampleId: id, ...e });
          delete next.samples[id];
        }
      }
      if (!removed.length) return removed;
      await this.writeIndex(next);
      this.liveBytes -= removed.length * this.recordBytes;
      const total = this.endOffset - HEADER_BYTES;
      const dead = total - this.liveBytes;
      if (dead >= 256 * this.recordBytes && dead / total > this.opts.compactDeadRatio) await this.compactNow();
      return removed;
    });
  }

  private async compactNow(): Promise<{ before: number; after: number }> {
    const before = this.endOffset;
    const gen = this.db.data.gen + 1;
    const path = join(this.opts.dir, fileName(gen));
    const out = await open(path, 'w');
    const next = structuredClone(this.db.data);
    next.gen = gen;
    let offset = HEADER_BYTES;
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      await this.fh.read(header, 0, HEADER_BYTES, 0);
      await out.write(header, 0, HEADER_BYTES, 0);
      const rec = Buffer.alloc(this.recordBytes);
      for (const e of Object.values(next.samples)) {
        await this.fh.read(rec, 0, this.recordBytes, e.offset);
        await out.write(rec, 0, this.recordBytes, offset);
        e.offset = offset;
        offset += this.recordBytes;
      }
      await out.sync();
      await fsyncDir(this.opts.dir);
    } catch (e) {
      await out.close();
      await unlink(path).catch(() => {});
      throw e;
    }
    await this.writeIndex(next); // the switch: before this the old file is authoritative, after it the new one
    const old = this.fh;
    const oldPath = join(this.opts.dir, fileName(gen - 1));
    this.fh = out;
    this.endOffset = offset;
    this.liveBytes = offset - HEADER_BYTES;
    await old.close();
    await unlink(oldPath).catch(() => {});
    await fsyncDir(this.opts.dir);
    return { before, after: offset };
  }

  private async writeIndex(next: IndexData): Promise<void> {
    await this.db.adapter.write(next);
    this.db.data = next;
  }

  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.serial.then(fn);
    this.serial = run.catch(() => {});
    return run;
  }
}
