import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from './atomic-file.js';
import { StoreError } from './errors.js';
import { openDocument, type JsonDocument } from './json-document.js';

type Shard<V> = JsonDocument<{ records: Record<string, V> }>;

/**
 * A large keyed table (per-person counters for 100,000 people…) as a fixed number of lowdb
 * documents `<dir>/NN.json`, chosen by a hash of the key. A change rewrites one shard (1/64 of the
 * table), not all of it, and a shard is only read when one of its keys is first touched. The shard
 * count is fixed when the table is created (`meta.json`), so keys always route to the same file.
 */
export class ShardedRecords<V> {
  private readonly shards = new Map<number, Promise<Shard<V>>>();

  private constructor(
    readonly dir: string,
    private readonly valueSchema: z.ZodType<V>,
    readonly shardCount: number,
  ) {}

  static async open<V>(dir: string, valueSchema: z.ZodType<V>, shardCount = 64): Promise<ShardedRecords<V>> {
    await ensureDir(dir);
    const metaFile = join(dir, 'meta.json');
    let count = shardCount;
    try {
      const meta = z.object({ shards: z.number().int().min(1).max(4096) }).safeParse(JSON.parse(await readFile(metaFile, 'utf8')));
      if (!meta.success) throw new StoreError('corrupt', `${metaFile}: does not validate`);
      count = meta.data.shards;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e instanceof StoreError ? e : new StoreError('corrupt', `${metaFile}: ${(e as Error).message}`);
      await writeFileAtomic(metaFile, JSON.stringify({ shards: count }));
    }
    return new ShardedRecords(dir, valueSchema, count);
  }

  async get(key: string): Promise<V | undefined> {
    const shard = await this.shardOf(key);
    return Object.hasOwn(shard.data.records, key) ? (shard.data.records[key] as V) : undefined;
  }

  /**
   * Replace the value of `key` with `fn(current)` (undefined deletes it). Validated before the
   * shard is written; resolves with the stored value once durable.
   */
  async update(key: string, fn: (current: V | undefined) => V | undefined): Promise<V | undefined> {
    const shard = await this.shardOf(key);
    const next = await shard.update((d) => {
      const value = fn(Object.hasOwn(d.records, key) ? d.records[key] : undefined);
      if (value === undefined) delete d.records[key];
      else d.records[key] = value;
    });
    return Object.hasOwn(next.records, key) ? next.records[key] : undefined;
  }

  /**
   * Several keys at once (undefined deletes): one validated write per touched shard, shards in
   * parallel. Each shard is atomic on its own; the batch as a whole is not.
   */
  async updateMany(changes: ReadonlyMap<string, V | undefined>): Promise<void> {
    const byShard = new Map<number, [string, V | undefined][]>();
    for (const [key, value] of changes) {
      const i = fnv1a(key) % this.shardCount;
      byShard.set(i, [...(byShard.get(i) ?? []), [key, value]]);
    }
    await Promise.all(
      [...byShard].map(async ([i, list]) =>
        (await this.shard(i)).update((d) => {
          for (const [key, value] of list) {
            if (value === undefined) delete d.records[key];
            else d.records[key] = value;
          }
        }),
      ),
    );
  }

  /** Every entry, shard by shard (loads all shards). */
  async *entries(): AsyncGenerator<[string, V]> {
    for (let i = 0; i < this.shardCount; i++) {
      const shard = await this.shard(i);
      yield* Object.entries(shard.data.records) as [string, V][];
    }
  }

  private shardOf(key: string): Promise<Shard<V>> {
    return this.shard(fnv1a(key) % this.shardCount);
  }

  private shard(i: number): Promise<Shard<V>> {
    let s = this.shards.get(i);
    if (!s) {
      const schema = z.object({ records: z.record(z.string(), this.valueSchema).default({}) });
      s = openDocument(join(this.dir, `${String(i).padStart(2, '0')}.json`), schema, {}) as Promise<Shard<V>>;
      this.shards.set(i, s);
      s.catch(() => this.shards.get(i) === s && this.shards.delete(i));
    }
    return s;
  }
}

/** 32-bit FNV-1a: stable across versions and platforms, which is all routing needs. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
