import { z } from 'zod';
import type { JsonDocument } from '../store/json-document.js';
import { ShardedRecords } from '../store/sharded-records.js';

/**
 * One person's visit counters. `lastSeenAt` is the arrival of the person's latest visit — precise
 * enough for "unseen for N days" retention and written only once per visit — and `firstSeenAt`
 * of the first: together they bound which day files can hold the person's visits.
 */
export const PersonEntry = z.object({
  kind: z.enum(['staff', 'customer']),
  visits: z.number().int().min(0),
  lastSeenAt: z.number().int().min(0),
  firstSeenAt: z.number().int().min(0).optional(),
});
export type PersonEntry = z.infer<typeof PersonEntry>;

/** The single-document layout (fine for small sites and tests; `PersonStats.sharded` scales). */
export const PersonStatsData = z.object({ persons: z.record(z.string().min(1).max(64), PersonEntry).default({}) });
export type PersonStatsData = z.infer<typeof PersonStatsData>;

interface Backend {
  get(id: string): Promise<PersonEntry | undefined>;
  update(id: string, fn: (cur: PersonEntry | undefined) => PersonEntry | undefined): Promise<PersonEntry | undefined>;
  entries(): AsyncIterable<[string, PersonEntry]>;
}

function documentBackend(doc: JsonDocument<PersonStatsData>): Backend {
  const read = (id: string) => (Object.hasOwn(doc.data.persons, id) ? (doc.data.persons[id] as PersonEntry) : undefined);
  return {
    get: async (id) => read(id),
    async update(id, fn) {
      await doc.update((d) => {
        const v = fn(Object.hasOwn(d.persons, id) ? d.persons[id] : undefined);
        if (v === undefined) delete d.persons[id];
        else d.persons[id] = v;
      });
      return read(id);
    },
    async *entries() {
      yield* Object.entries(doc.data.persons) as [string, PersonEntry][];
    },
  };
}

/**
 * Per-person visit counters, persisted so a customer's visit number survives restarts and counts
 * once per visit (not per detection). Backed by one document, or — for real sites with tens of
 * thousands of customers — by `ShardedRecords`, so a new visit rewrites 1/64 of the table.
 */
export class PersonStats {
  private readonly backend: Backend;

  constructor(store: JsonDocument<PersonStatsData> | ShardedRecords<PersonEntry>) {
    this.backend = store instanceof ShardedRecords ? store : documentBackend(store);
  }

  /** Sharded counters in `dir` (ApplianceStore.records('person-stats', PersonEntry) gives the same). */
  static async sharded(dir: string): Promise<PersonStats> {
    return new PersonStats(await ShardedRecords.open(dir, PersonEntry));
  }

  async visits(personId: string): Promise<number> {
    return (await this.backend.get(personId))?.visits ?? 0;
  }

  /** Count a new visit; resolves (durably) to its ordinal, 1 for a first visit. */
  async countVisit(personId: string, kind: 'staff' | 'customer', at: number): Promise<number> {
    const t = Math.trunc(at);
    const next = await this.backend.update(personId, (cur) => ({
      kind,
      visits: (cur?.visits ?? 0) + 1,
      lastSeenAt: Math.max(cur?.lastSeenAt ?? 0, t),
      firstSeenAt: Math.min(cur ? (cur.firstSeenAt ?? cur.lastSeenAt) : t, t),
    }));
    return next!.visits;
  }

  /**
   * A visit of the person arrived earlier than first known (a body seen before its face): the span starts no
   * later than `at`, so the day files searched for the person's visits still hold it.
   */
  async arrivedEarlier(personId: string, at: number): Promise<void> {
    const t = Math.trunc(at);
    const p = await this.backend.get(personId);
    if (!p || (p.firstSeenAt ?? p.lastSeenAt) <= t) return;
    await this.backend.update(personId, (cur) => cur && { ...cur, firstSeenAt: Math.min(cur.firstSeenAt ?? cur.lastSeenAt, t) });
  }

  /** Arrival times of the person's first and latest visits, or null when unknown (never seen, forgotten). */
  async span(personId: string): Promise<{ first: number; last: number } | null> {
    const p = await this.backend.get(personId);
    return p ? { first: p.firstSeenAt ?? 0, last: p.lastSeenAt } : null;
  }

  /** Customers whose latest visit began before `cutoff` (retention candidates). */
  async unseenCustomers(cutoff: number): Promise<string[]> {
    const out: string[] = [];
    for await (const [id, p] of this.backend.entries()) if (p.kind === 'customer' && p.lastSeenAt < cutoff) out.push(id);
    return out;
  }

  async forget(personId: string): Promise<void> {
    if (await this.backend.get(personId)) await this.backend.update(personId, () => undefined);
  }

  /** Identity merged `from` into `into`: visit counts add up, the span covers both. */
  async merge(from: string, into: string): Promise<void> {
    const a = await this.backend.get(from);
    if (!a) return;
    await this.backend.update(into, (b) => ({
      kind: b?.kind ?? a.kind,
      visits: a.visits + (b?.visits ?? 0),
      lastSeenAt: Math.max(a.lastSeenAt, b?.lastSeenAt ?? 0),
      firstSeenAt: Math.min(a.firstSeenAt ?? 0, b ? (b.firstSeenAt ?? 0) : Infinity),
    }));
    await this.backend.update(from, () => undefined);
  }
}
