import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, fsyncDir } from './atomic-file.js';
import { StoreError } from './errors.js';
import { openDocument, type JsonDocument } from './json-document.js';
import { ShardedRecords } from './sharded-records.js';
import { unguarded, type CriticalSection } from '../util/critical-section.js';

/**
 * Face embeddings on disk, in `<dir>/`:
 * - `vectors-<gen>.bin`: a 16-byte header (magic `CVAEMB01`, uint32 dim, uint32 record bytes) then
 *   fixed-size Float32 records, appended only;
 * - `index/NN.json` (lowdb documents, sharded by sample id): sampleId → {personId, gen, offset,
 *   quality, createdAt, cropId?}, so adding a sample rewrites 1/64 of the index, not all of it;
 * - `head.json`: the vector length and the generation new records are appended to.
 * Crash safety comes from ordering: vectors are written and fsynced BEFORE an index entry (written
 * atomically) points at them, so the index only ever references durable records. A torn tail is
 * truncated on open. Removed samples leave dead records; `compact()` copies the live ones into the
 * next generation file, switches `head.json` to it, repoints the index shard by shard and only then
 * deletes the old files — at every step each entry points at a complete file that still exists.
 * One instance per directory: two open stores on the same files would each append at their own
 * idea of the end (share the instance instead — ApplianceStore accepts an open one).
 */
const MAGIC = Buffer.from('CVAEMB01', 'latin1');
const HEADER_BYTES = 16;

const EntrySchema = z.object({
  personId: z.string().min(1).max(64),
  gen: z.number().int().min(1),
  offset: z.number().int().min(HEADER_BYTES),
  quality: z.number().finite().min(0),
  createdAt: z.number().int().min(0),
  cropId: z.string().max(128).optional(),
});
type StoredEntry = z.infer<typeof EntrySchema>;
const HeadSchema = z.object({ version: z.literal(2), dim: z.number().int().min(1).max(4096), gen: z.number().int().min(1) });
type Head = z.infer<typeof HeadSchema>;
/** The first layout (one index.json); migrated on open. */
const LegacyIndex = z.object({
  version: z.literal(1),
  dim: z.number().int(),
  gen: z.number().int().min(1),
  samples: z.record(z.string(), EntrySchema.omit({ gen: true })),
});

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
  /** Vector length (128 for the face-api ResNet); must match an existing store. */
  dim: number;
  /** Compact automatically once dead records exceed this share of all records (and 256 records). */
  compactDeadRatio?: number;
  /** Held around a compaction (the appliance passes balena's update lock: no update mid-compaction). */
  guard?: CriticalSection;
}

const fileName = (gen: number) => `vectors-${gen}.bin`;
/** The update lock's reason while vectors are copied into the next generation. */
export const COMPACTION_REASON = 'store compaction';
const publicEntry = (sampleId: string, e: StoredEntry): EmbeddingEntry => {
  const { gen: _gen, ...rest } = e;
  return { sampleId, ...rest };
};

export class EmbeddingStore {
  private serial: Promise<unknown> = Promise.resolve();
  private pendingAdds: { item: NewEmbedding; sampleId: string; resolve: (e: EmbeddingEntry) => void; reject: (e: unknown) => void }[] = [];

  private constructor(
    private readonly opts: Required<EmbeddingStoreOptions>,
    private readonly head: JsonDocument<Head>,
    private readonly index: ShardedRecords<StoredEntry>,
    private readonly live: Map<string, StoredEntry>,
    /** Open files by generation; the head generation's is the one appended to. */
    private readonly files: Map<number, FileHandle>,
    private endOffset: number,
    /** Records in all files, live or dead. */
    private totalRecords: number,
  ) {}

  static async open(options: EmbeddingStoreOptions): Promise<EmbeddingStore> {
    const opts = { compactDeadRatio: 0.5, ...options, guard: options.guard ?? unguarded };
    if (!Number.isInteger(opts.dim) || opts.dim < 1 || opts.dim > 4096) throw new StoreError('bad-input', `dim ${opts.dim} out of range`);
    await ensureDir(opts.dir);
    const recordBytes = opts.dim * 4;
    const index = await ShardedRecords.open(join(opts.dir, 'index'), EntrySchema);
    const headFile = join(opts.dir, 'head.json');
    const isNew = !(await stat(headFile).catch(() => null));
    const head = await openDocument(headFile, HeadSchema, { version: 2, dim: opts.dim, gen: 1 });
    await migrateLegacyIndex(opts.dir, index, head);
    if (isNew && !(await stat(headFile).catch(() => null))) await head.update((h) => h); // record the dim from the start
    if (head.data.dim !== opts.dim) throw new StoreError('invalid', `embedding store has dim ${head.data.dim}, asked for ${opts.dim}`);

    const live = new Map<string, StoredEntry>();
    for await (const [id, e] of index.entries()) live.set(id, e);
    const gens = new Set([head.data.gen, ...[...live.values()].map((e) => e.gen)]);
    const files = new Map<number, FileHandle>();
    const sizes = new Map<number, number>();
    try {
      for (const gen of gens) {
        const { fh, size } = await openVectorFile(join(opts.dir, fileName(gen)), opts.dim, gen === head.data.gen);
        files.set(gen, fh);
        sizes.set(gen, size);
      }
      for (const [id, e] of live) {
        const size = sizes.get(e.gen)!;
        if (e.offset + recordBytes > size || (e.offset - HEADER_BYTES) % recordBytes !== 0) {
          throw new StoreError('corrupt', `${opts.dir}: sample ${id} points outside ${fileName(e.gen)}`);
        }
      }
    } catch (e) {
      for (const fh of files.values()) await fh.close();
      throw e;
    }
    // Generations nothing points at: an interrupted compaction's output, or files already emptied.
    for (const name of await readdir(opts.dir)) {
      const m = /^vectors-(\d+)\.bin$/.exec(name);
      if (m && !gens.has(Number(m[1]))) await unlink(join(opts.dir, name)).catch(() => {});
    }
    const total = [...sizes.values()].reduce((a, s) => a + (s - HEADER_BYTES) / recordBytes, 0);
    return new EmbeddingStore(opts, head, index, live, files, sizes.get(head.data.gen)!, total);
  }

  get dim(): number {
    return this.opts.dim;
  }

  get size(): number {
    return this.live.size;
  }

  private get recordBytes(): number {
    return this.opts.dim * 4;
  }

  entries(): EmbeddingEntry[] {
    return [...this.live].map(([id, e]) => publicEntry(id, e));
  }

  entry(sampleId: string): EmbeddingEntry | undefined {
    const e = this.live.get(sampleId);
    return e ? publicEntry(sampleId, e) : undefined;
  }

  entriesOf(personId: string): EmbeddingEntry[] {
    return this.entries().filter((e) => e.personId === personId);
  }

  /** Durably store a vector; resolves once both the record and its index entry are on disk. */
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
    return this.exclusive(async () => {
      const e = this.live.get(sampleId);
      if (!e) return null;
      const buf = Buffer.alloc(this.recordBytes);
      await this.files.get(e.gen)!.read(buf, 0, this.recordBytes, e.offset);
      return new Float32Array(buf.buffer, buf.byteOffset, this.opts.dim);
    });
  }

  /** Every live vector as one row-major matrix (rows in `ids` order) — how the 1:N index loads. */
  async matrix(): Promise<{ ids: string[]; personIds: string[]; data: Float32Array }> {
    return this.exclusive(async () => {
      const ids = [...this.live.keys()];
      const data = new Float32Array(ids.length * this.opts.dim);
      await this.readRows(ids, (row, vec) => data.set(vec, row * this.opts.dim));
      return { ids, personIds: ids.map((id) => this.live.get(id)!.personId), data };
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
    if (!EntrySchema.shape.personId.safeParse(personId).success) throw new StoreError('invalid', 'personId must be 1–64 characters');
    return this.exclusive(async () => {
      const changes = new Map<string, StoredEntry>();
      for (const id of sampleIds) {
        const e = this.live.get(id);
        if (e) changes.set(id, { ...e, personId });
      }
      await this.index.updateMany(changes);
      for (const [id, e] of changes) this.live.set(id, e);
      return changes.size;
    });
  }

  /** Copy the live records into the next generation file and point everything at it. */
  compact(): Promise<{ before: number; after: number }> {
    return this.exclusive(() => this.guardedCompact());
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      for (const fh of this.files.values()) await fh.close();
      this.files.clear();
    });
  }

  private checkNew(item: NewEmbedding): string | null {
    if (!(item.vector instanceof Float32Array) || item.vector.length !== this.opts.dim) return `vector must be a Float32Array of ${this.opts.dim}`;
    for (const x of item.vector) if (!Number.isFinite(x)) return 'vector has a non-finite value';
    if (!EntrySchema.shape.personId.safeParse(item.personId).success) return 'personId must be 1–64 characters';
    if (!Number.isFinite(item.quality) || item.quality < 0) return 'quality must be a finite number >= 0';
    if (item.cropId !== undefined && (typeof item.cropId !== 'string' || item.cropId.length > 128)) return 'cropId too long';
    return null;
  }

  /** Group commit: all adds queued so far share one write, one fsync and one write per index shard. */
  private async commitAdds(): Promise<void> {
    const batch = this.pendingAdds.splice(0);
    if (!batch.length) return;
    const gen = this.head.data.gen;
    const buf = Buffer.alloc(batch.length * this.recordBytes);
    batch.forEach((b, i) => Buffer.from(b.item.vector.buffer, b.item.vector.byteOffset, this.recordBytes).copy(buf, i * this.recordBytes));
    const start = this.endOffset;
    try {
      const fh = this.files.get(gen)!;
      await fh.write(buf, 0, buf.length, start);
      await fh.sync();
      this.endOffset = start + buf.length;
      this.totalRecords += batch.length;
      const made = new Map<string, StoredEntry>();
      batch.forEach((b, i) =>
        made.set(b.sampleId, {
          personId: b.item.personId,
          gen,
          offset: start + i * this.recordBytes,
          quality: b.item.quality,
          createdAt: Math.trunc(b.item.createdAt ?? Date.now()),
          ...(b.item.cropId !== undefined ? { cropId: b.item.cropId } : {}),
        }),
      );
      await this.index.updateMany(made);
      for (const [id, e] of made) this.live.set(id, e);
      batch.forEach((b) => b.resolve(publicEntry(b.sampleId, made.get(b.sampleId)!)));
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    }
  }

  private removeWhere(pred: (sampleId: string, e: StoredEntry) => boolean): Promise<EmbeddingEntry[]> {
    return this.exclusive(async () => {
      const removed = [...this.live].filter(([id, e]) => pred(id, e));
      if (!removed.length) return [];
      await this.index.updateMany(new Map(removed.map(([id]) => [id, undefined])));
      for (const [id] of removed) this.live.delete(id);
      const dead = this.totalRecords - this.live.size;
      if (dead >= 256 && dead / this.totalRecords > this.opts.compactDeadRatio) await this.guardedCompact();
      return removed.map(([id, e]) => publicEntry(id, e));
    });
  }

  private guardedCompact(): Promise<{ before: number; after: number }> {
    return this.opts.guard(COMPACTION_REASON, () => this.compactNow());
  }

  private async compactNow(): Promise<{ before: number; after: number }> {
    const before = HEADER_BYTES + this.totalRecords * this.recordBytes;
    const gen = Math.max(...this.files.keys()) + 1;
    const path = join(this.opts.dir, fileName(gen));
    const { fh: out } = await openVectorFile(path, this.opts.dim, true, true);
    const ids = [...this.live.keys()];
    const moved = new Map<string, StoredEntry>();
    try {
      const rows = Buffer.alloc(ids.length * this.recordBytes);
      await this.readRows(ids, (row, vec) => Buffer.from(vec.buffer, vec.byteOffset, this.recordBytes).copy(rows, row * this.recordBytes));
      await out.write(rows, 0, rows.length, HEADER_BYTES);
      await out.sync();
      await fsyncDir(this.opts.dir);
      ids.forEach((id, row) => moved.set(id, { ...this.live.get(id)!, gen, offset: HEADER_BYTES + row * this.recordBytes }));
    } catch (e) {
      await out.close();
      await unlink(path).catch(() => {});
      throw e;
    }
    // From here on every step leaves each entry pointing at a complete file that still exists.
    await this.head.update((h) => ({ ...h, gen }));
    this.files.set(gen, out);
    this.endOffset = HEADER_BYTES + ids.length * this.recordBytes;
    await this.index.updateMany(moved);
    for (const [id, e] of moved) this.live.set(id, e);
    for (const [g, fh] of [...this.files]) {
      if (g === gen) continue;
      await fh.close();
      this.files.delete(g);
      await unlink(join(this.opts.dir, fileName(g))).catch(() => {});
    }
    await fsyncDir(this.opts.dir);
    this.totalRecords = ids.length;
    return { before, after: this.endOffset };
  }

  /** Read the vectors of `ids`, file by file in chunks, handing each to `sink(row, vector)`. */
  private async readRows(ids: readonly string[], sink: (row: number, vec: Float32Array) => void): Promise<void> {
    const byGen = new Map<number, Map<number, number>>();
    ids.forEach((id, row) => {
      const e = this.live.get(id)!;
      if (!byGen.has(e.gen)) byGen.set(e.gen, new Map());
      byGen.get(e.gen)!.set(e.offset, row);
    });
    const chunk = Buffer.alloc(1024 * this.recordBytes);
    for (const [gen, rowAt] of byGen) {
      const fh = this.files.get(gen)!;
      const end = Math.max(...rowAt.keys()) + this.recordBytes;
      for (let pos = HEADER_BYTES; pos < end; pos += chunk.length) {
        const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, end - pos), pos);
        const floats = new Float32Array(chunk.buffer, chunk.byteOffset, bytesRead / 4);
        for (let r = 0; r * this.recordBytes < bytesRead; r++) {
          const row = rowAt.get(pos + r * this.recordBytes);
          if (row !== undefined) sink(row, floats.subarray(r * this.opts.dim, (r + 1) * this.opts.dim));
        }
      }
    }
  }

  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.serial.then(fn);
    this.serial = run.catch(() => {});
    return run;
  }
}

/**
 * Open (or create) one generation file. The appendable one is opened read-write, created with its
 * header if missing, and a torn record at its end (a crash mid-append; never referenced, since the
 * index is written after fsync) is cut off.
 */
async function openVectorFile(path: string, dim: number, writable: boolean, fresh = false): Promise<{ fh: FileHandle; size: number }> {
  const recordBytes = dim * 4;
  const flags = writable ? constants.O_RDWR | constants.O_CREAT | (fresh ? constants.O_TRUNC : 0) : constants.O_RDONLY;
  let fh: FileHandle;
  try {
    fh = await open(path, flags, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('corrupt', `${path} is missing but the index points at it`);
    throw e;
  }
  try {
    let size = (await fh.stat()).size;
    if (size < HEADER_BYTES) {
      if (!writable) throw new StoreError('corrupt', `${path}: header missing`);
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header, 0);
      header.writeUInt32LE(dim, 8);
      header.writeUInt32LE(recordBytes, 12);
      await fh.truncate(0);
      await fh.write(header, 0, HEADER_BYTES, 0);
      await fh.sync();
      await fsyncDir(join(path, '..'));
      size = HEADER_BYTES;
    } else {
      const header = Buffer.alloc(HEADER_BYTES);
      await fh.read(header, 0, HEADER_BYTES, 0);
      if (!header.subarray(0, 8).equals(MAGIC) || header.readUInt32LE(8) !== dim || header.readUInt32LE(12) !== recordBytes) {
        throw new StoreError('corrupt', `${path}: bad header`);
      }
    }
    const aligned = HEADER_BYTES + Math.floor((size - HEADER_BYTES) / recordBytes) * recordBytes;
    if (aligned !== size && writable) {
      await fh.truncate(aligned);
      await fh.sync();
    }
    return { fh, size: aligned };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Move a first-layout `index.json` into the shards (idempotent: the old file goes last). */
async function migrateLegacyIndex(dir: string, index: ShardedRecords<StoredEntry>, head: JsonDocument<Head>): Promise<void> {
  const file = join(dir, 'index.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const legacy = LegacyIndex.safeParse(JSON.parse(text));
  if (!legacy.success) throw new StoreError('corrupt', `${file}: does not validate`);
  const { gen, dim, samples } = legacy.data;
  await index.updateMany(new Map(Object.entries(samples).map(([id, e]) => [id, { ...e, gen }])));
  await head.update(() => ({ version: 2 as const, dim, gen }));
  await unlink(file);
  await fsyncDir(dir);
}
