import { Low } from 'lowdb';
import { join } from 'node:path';
import { z } from 'zod';
import { DurableJsonFile } from './durable-json-file.js';
import { StoreError } from './errors.js';
import { deepFreeze } from './freeze.js';

export interface DayFile<T> {
  day: string;
  records: T[];
}

/**
 * One day of a DayLog: a lowdb file `<dir>/<day>.json` plus an id index. Writes are group-committed:
 * mutations land in memory synchronously and every caller awaits the next durable write that
 * includes its change, so a burst of appends costs one rewrite of the day, not one each.
 */
export class DaySegment<T extends { id: string }> {
  private readonly byId = new Map<string, number>();
  private sortedCache: T[] | null = null;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private failure: unknown = null;

  private constructor(
    readonly day: string,
    private readonly db: Low<DayFile<T>>,
    private readonly timeOf: (r: T) => number,
  ) {
    db.data.records.forEach((r, i) => this.byId.set(r.id, i));
  }

  static async load<T extends { id: string }>(dir: string, day: string, schema: z.ZodType<T>, timeOf: (r: T) => number): Promise<DaySegment<T>> {
    const file = join(dir, `${day}.json`);
    const db = new Low<DayFile<T>>(new DurableJsonFile<DayFile<T>>(file), { day, records: [] });
    await db.read();
    const parsed = z.object({ day: z.literal(day), records: z.array(schema) }).safeParse(db.data);
    if (!parsed.success) throw new StoreError('corrupt', `${file}: day file does not validate`, parsed.error.issues.slice(0, 5));
    db.data = parsed.data as DayFile<T>;
    for (const r of db.data.records) deepFreeze(r);
    return new DaySegment(day, db, timeOf);
  }

  get size(): number {
    return this.db.data.records.length;
  }

  get idle(): boolean {
    return this.inFlight === null && this.queued === null;
  }

  get(id: string): T | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.db.data.records[i];
  }

  /** Records newest first (time desc, id desc) — the DayLog's global order within this day. */
  sorted(): readonly T[] {
    if (!this.sortedCache) {
      this.sortedCache = [...this.db.data.records].sort((a, b) => compareNewestFirst(this.timeOf(a), a.id, this.timeOf(b), b.id));
    }
    return this.sortedCache;
  }

  all(): readonly T[] {
    return this.db.data.records;
  }

  /** Insert or replace in memory; the caller then awaits `flush()`. */
  put(record: T): void {
    this.throwIfBroken();
    deepFreeze(record); // handed out by get/scan; nobody may change it in place
    const i = this.byId.get(record.id);
    if (i === undefined) {
      this.byId.set(record.id, this.db.data.records.length);
      this.db.data.records.push(record);
    } else {
      this.db.data.records[i] = record;
    }
    this.sortedCache = null;
  }

  /** Resolves once a write that includes every mutation made so far is durable. */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    const run = async () => {
      // Always yield first so `this.queued` is assigned before it is cleared below.
      await (this.inFlight ?? Promise.resolve()).catch(() => {});
      this.queued = null;
      this.throwIfBroken();
      const write = this.db.write(); // serialises synchronously: the snapshot is taken here
      this.inFlight = write;
      try {
        await write;
      } catch (e) {
        // Memory now holds changes that are not on disk; refuse further use so the log reloads the day.
        this.failure = e;
        throw e;
      } finally {
        if (this.inFlight === write) this.inFlight = null;
      }
    };
    this.queued = run();
    return this.queued;
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  private throwIfBroken(): void {
    if (this.failure !== null) throw this.failure;
  }
}

/** Newest-first order: later time first, ties broken by id descending (stable and total). */
export function compareNewestFirst(ta: number, ia: string, tb: number, ib: string): number {
  if (ta !== tb) return tb - ta;
  return ia < ib ? 1 : ia > ib ? -1 : 0;
}
