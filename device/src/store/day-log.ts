import { readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ensureDir, fsyncDir } from './atomic-file.js';
import { dayKeyStart, dayOfId, isDayKey, newDayId, utcDayKey } from './day-id.js';
import { compareNewestFirst, DaySegment } from './day-segment.js';
import { isStoreError, StoreError } from './errors.js';
import { createLogger, type Logger } from '../util/log.js';
import { err, ok, type Result } from '../util/result.js';

export interface DayLogOptions<T> {
  /** Folder holding `<YYYY-MM-DD>.json` files (UTC days). */
  dir: string;
  schema: z.ZodType<T>;
  /** The instant that files and orders a record (e.g. a visit's arrival). Must not change day. */
  timeOf: (record: T) => number;
  /** Prefix of ids made by `newId` (`V` → `V-20261124-…`). */
  idPrefix: string;
  /** Day files kept parsed in memory (least recently used are dropped). */
  cacheDays?: number;
  log?: Logger;
}

/** Position in newest-first order; opaque to callers as a string. */
export interface Cursor {
  t: number;
  id: string;
}

export interface PageRequest<T> {
  /** Inclusive lower bound on timeOf (epoch ms). */
  from?: number;
  /** Exclusive upper bound on timeOf (epoch ms). */
  to?: number;
  limit: number;
  /** Continue strictly after this position (from a previous page's `nextCursor`). */
  cursor?: Cursor;
  filter?: (record: T) => boolean;
}

export interface Page<T> {
  items: T[];
  /** Present when the page is full; pass it back to continue. Stable under concurrent appends. */
  nextCursor: string | null;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.t}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(s: string): Result<Cursor, StoreError> {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(s) ? Buffer.from(s, 'base64url').toString('utf8') : '';
  const m = /^(-?\d{1,16})\|([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!m) return err(new StoreError('bad-cursor', 'cursor is not one this server issued'));
  return ok({ t: Number(m[1]), id: m[2] });
}

interface CacheEntry<T extends { id: string }> {
  segment: Promise<DaySegment<T>>;
  pins: number;
}

/**
 * Records segmented into one lowdb file per UTC day, so a write rewrites at most one day.
 * Opening lists file names only; a day is parsed (and validated) the first time it is touched and
 * kept in a small LRU. Ids carry their day (see day-id.ts), so `get`/`upsert` touch one file.
 */
export class DayLog<T extends { id: string }> {
  private readonly cache = new Map<string, CacheEntry<T>>();
  private readonly dayKeys = new Set<string>();
  private sortedDays: string[] | null = null;

  private readonly log: Logger;
  private readonly quarantines = new WeakMap<Error, Promise<void>>();

  private constructor(private readonly opts: Required<Omit<DayLogOptions<T>, 'log'>> & { log?: Logger }) {
    this.log = opts.log ?? createLogger('daylog');
  }

  static async open<T extends { id: string }>(options: DayLogOptions<T>): Promise<DayLog<T>> {
    const log = new DayLog<T>({ cacheDays: 8, ...options });
    await ensureDir(options.dir);
    const stale = new RegExp(`^\\.\\d{4}-\\d{2}-\\d{2}\\.json\\.(?!${process.pid}\\.)\\d+\\.[0-9a-f]+\\.tmp$`);
    // One listing serves both: day files are indexed by name only (nothing parsed), and temp files a
    // killed writer left behind are removed.
    for (const name of await readdir(options.dir)) {
      const day = name.endsWith('.json') ? name.slice(0, -5) : '';
      if (isDayKey(day)) log.dayKeys.add(day);
      else if (stale.test(name)) await unlink(join(options.dir, name)).catch(() => {});
    }
    return log;
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** A fresh id filed under the UTC day of `at`. */
  newId(at: number): string {
    return newDayId(this.opts.idPrefix, at);
  }

  /** Days that have a file (or pending records), oldest first. */
  days(): readonly string[] {
    if (!this.sortedDays) this.sortedDays = [...this.dayKeys].sort();
    return this.sortedDays;
  }

  async get(id: string): Promise<T | undefined> {
    const day = dayOfId(id);
    if (!day || !this.dayKeys.has(day)) return undefined;
    return this.withSegment(day, (s) => s.get(id));
  }

  /** Add a new record; rejects with `conflict` if the id exists, `invalid` if it fails the schema. */
  async append(record: T): Promise<T> {
    const value = this.validate(record);
    const day = this.dayFor(value);
    return this.withWritableSegment(day, async (s) => {
      if (s.get(value.id)) throw new StoreError('conflict', `${value.id} already exists`);
      s.put(value);
      await s.flush();
      return value;
    });
  }

  /**
   * Create or replace the record `id` with `mutator(current)`. The result is validated and must keep
   * its id and day; nothing changes when the mutator throws or the result is invalid.
   */
  async upsert(id: string, mutator: (current: T | undefined) => T): Promise<T> {
    const day = dayOfId(id);
    if (!day) throw new StoreError('bad-id', `${id} is not an id of this log`);
    return this.withWritableSegment(day, async (s) => {
      const current = s.get(id);
      const value = this.validate(mutator(current === undefined ? undefined : structuredClone(current)));
      if (value.id !== id) throw new StoreError('invalid', `upsert of ${id} returned id ${value.id}`);
      this.dayFor(value);
      s.put(value);
      await s.flush();
      return value;
    });
  }

  /** Newest-first page over [from, to) with an optional predicate and a stable cursor. */
  async page(req: PageRequest<T>): Promise<Page<T>> {
    const items: T[] = [];
    const limit = Math.max(1, Math.min(req.limit, 10_000));
    for await (const r of this.scan({ from: req.from, to: req.to, after: req.cursor })) {
      if (req.filter && !req.filter(r)) continue;
      items.push(r);
      if (items.length === limit) break;
    }
    const last = items.at(-1);
    const nextCursor = items.length === limit && last ? encodeCursor({ t: this.opts.timeOf(last), id: last.id }) : null;
    return { items, nextCursor };
  }

  /** All records with timeOf in [from, to), newest first (use `scan` or `page` for large ranges). */
  async range(from: number, to: number): Promise<T[]> {
    const out: T[] = [];
    for await (const r of this.scan({ from, to })) out.push(r);
    return out;
  }

  /**
   * Records with timeOf in [from, to), newest first (or oldest first), one day file at a time;
   * `after` resumes strictly past a position in the chosen order.
   */
  async *scan(opts: { from?: number; to?: number; after?: Cursor; order?: 'desc' | 'asc' } = {}): AsyncGenerator<T> {
    const asc = opts.order === 'asc';
    const after = opts.after;
    const from = Math.max(opts.from ?? -Infinity, after && asc ? after.t : -Infinity);
    const to = Math.min(opts.to ?? Infinity, after && !asc ? after.t + 1 : Infinity);
    const days = this.days().filter((d) => {
      const start = dayKeyStart(d);
      return start < to && start + 86_400_000 > from;
    });
    if (!asc) days.reverse();
    for (const day of days) {
      const rows = await this.withSegment(day, (s) => s.sorted());
      const ordered = asc ? [...rows].reverse() : rows;
      for (const r of ordered) {
        const t = this.opts.timeOf(r);
        if (t < from || t >= to) continue;
        if (after) {
          // > 0: r is newer than the cursor; < 0: older; 0: the cursor's own record.
          const c = compareNewestFirst(after.t, after.id, t, r.id);
          if (asc ? c <= 0 : c >= 0) continue;
        }
        yield r;
      }
    }
  }

  /** Delete whole day files strictly before `day` (retention). Returns the days removed. */
  async deleteDaysBefore(day: string): Promise<string[]> {
    const doomed = this.days().filter((d) => d < day);
    for (const d of doomed) {
      const entry = this.cache.get(d);
      if (entry) {
        const s = await entry.segment.catch(() => null);
        if (s) await s.flush().catch(() => {});
        this.cache.delete(d);
      }
      await unlink(join(this.opts.dir, `${d}.json`)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      this.dayKeys.delete(d);
      this.sortedDays = null;
    }
    if (doomed.length) await fsyncDir(this.opts.dir);
    return doomed;
  }

  /** Wait for every pending write (used on shutdown). */
  async flush(): Promise<void> {
    for (const e of this.cache.values()) {
      const s = await e.segment.catch(() => null);
      if (s) await s.flush();
    }
  }

  private validate(record: unknown): T {
    const r = this.opts.schema.safeParse(record);
    if (!r.success) throw new StoreError('invalid', 'record does not validate', r.error.issues);
    return r.data;
  }

  private dayFor(record: T): string {
    const day = dayOfId(record.id);
    const t = this.opts.timeOf(record);
    if (!day) throw new StoreError('bad-id', `${record.id} is not a day id (use newId)`);
    if (!Number.isFinite(t) || utcDayKey(t) !== day) throw new StoreError('invalid', `${record.id}: time is not on its day ${day}`);
    return day;
  }

  /**
   * Like withSegment, but a day file that no longer parses or validates (disk damage: writes are
   * atomic, so never our own half-write) is moved aside as `<day>.json.corrupt-<ms>` for inspection
   * and the day starts afresh — new records keep flowing instead of failing all day.
   */
  private async withWritableSegment<R>(day: string, fn: (s: DaySegment<T>) => R | Promise<R>): Promise<R> {
    try {
      return await this.withSegment(day, fn);
    } catch (e) {
      if (!isStoreError(e, 'corrupt')) throw e;
      // Callers that failed on the same load share one move (keyed by the error they all got), so a
      // late one can never move the fresh file written after it.
      let moved = this.quarantines.get(e);
      if (!moved) {
        moved = this.moveAside(day, e.message);
        this.quarantines.set(e, moved);
      }
      await moved;
      return this.withSegment(day, fn);
    }
  }

  private async moveAside(day: string, problem: string): Promise<void> {
    const file = join(this.opts.dir, `${day}.json`);
    const aside = `${file}.corrupt-${Date.now()}`;
    await rename(file, aside);
    await fsyncDir(this.opts.dir);
    this.log.error('damaged day file moved aside; the day starts afresh', { file, aside, problem });
  }

  /** Run `fn` with the day's segment pinned in the cache (so it cannot be evicted mid-operation). */
  private async withSegment<R>(day: string, fn: (s: DaySegment<T>) => R | Promise<R>): Promise<R> {
    for (;;) {
      const entry = this.entry(day);
      entry.pins++;
      try {
        const s = await entry.segment;
        if (s.broken) {
          // A failed write left this copy ahead of its file: drop it and work on a fresh load.
          if (this.cache.get(day) === entry) this.cache.delete(day);
          continue;
        }
        const result = await fn(s);
        if (!this.dayKeys.has(day) && s.size > 0) {
          this.dayKeys.add(day);
          this.sortedDays = null;
        }
        return result;
      } finally {
        entry.pins--;
        this.evict();
      }
    }
  }

  private entry(day: string): CacheEntry<T> {
    let entry = this.cache.get(day);
    if (entry) {
      this.cache.delete(day); // re-insert: most recently used goes last
      this.cache.set(day, entry);
      return entry;
    }
    const segment = DaySegment.load(this.opts.dir, day, this.opts.schema, this.opts.timeOf);
    const created: CacheEntry<T> = { segment, pins: 0 };
    this.cache.set(day, created);
    segment.catch(() => this.cache.get(day) === created && this.cache.delete(day));
    return created;
  }

  private evict(): void {
    for (const [day, entry] of this.cache) {
      if (this.cache.size <= this.opts.cacheDays) return;
      if (entry.pins > 0) continue;
      this.cache.delete(day);
    }
  }
}
