import { z } from 'zod';
import type { JsonDocument } from '../store/json-document.js';

/**
 * Per-person visit counters, persisted so a customer's visit number survives restarts and counts
 * once per visit (not per detection). `lastSeenAt` is the arrival of the person's latest visit —
 * precise enough for "unseen for N days" retention and written only once per visit — and
 * `firstSeenAt` of the first: together they bound which day files can hold the person's visits.
 */
export const PersonStatsData = z.object({
  persons: z
    .record(
      z.string().min(1).max(64),
      z.object({
        kind: z.enum(['staff', 'customer']),
        visits: z.number().int().min(0),
        lastSeenAt: z.number().int().min(0),
        firstSeenAt: z.number().int().min(0).optional(),
      }),
    )
    .default({}),
});
export type PersonStatsData = z.infer<typeof PersonStatsData>;

export class PersonStats {
  constructor(private readonly doc: JsonDocument<PersonStatsData>) {}

  visits(personId: string): number {
    return Object.hasOwn(this.doc.data.persons, personId) ? this.doc.data.persons[personId].visits : 0;
  }

  /** Count a new visit; resolves (durably) to its ordinal, 1 for a first visit. */
  async countVisit(personId: string, kind: 'staff' | 'customer', at: number): Promise<number> {
    const next = await this.doc.update((d) => {
      const cur = d.persons[personId];
      const t = Math.trunc(at);
      d.persons[personId] = {
        kind,
        visits: (cur?.visits ?? 0) + 1,
        lastSeenAt: Math.max(cur?.lastSeenAt ?? 0, t),
        firstSeenAt: Math.min(cur ? (cur.firstSeenAt ?? cur.lastSeenAt) : t, t),
      };
    });
    return next.persons[personId].visits;
  }

  /** Arrival times of the person's first and latest visits, or null when unknown (never seen, forgotten). */
  span(personId: string): { first: number; last: number } | null {
    if (!Object.hasOwn(this.doc.data.persons, personId)) return null;
    const p = this.doc.data.persons[personId];
    return { first: p.firstSeenAt ?? 0, last: p.lastSeenAt };
  }

  /** Customers whose latest visit began before `cutoff` (retention candidates). */
  unseenCustomers(cutoff: number): string[] {
    return Object.entries(this.doc.data.persons)
      .filter(([, p]) => p.kind === 'customer' && p.lastSeenAt < cutoff)
      .map(([id]) => id);
  }

  async forget(personId: string): Promise<void> {
    if (!Object.hasOwn(this.doc.data.persons, personId)) return;
    await this.doc.update((d) => {
      delete d.persons[personId];
    });
  }

  /** Identity merged `from` into `into`: visit counts add up. */
  async merge(from: string, into: string): Promise<void> {
    if (!Object.hasOwn(this.doc.data.persons, from)) return;
    await this.doc.update((d) => {
      const a = d.persons[from];
      const b = d.persons[into];
      const first = (p: typeof a | undefined) => (p ? (p.firstSeenAt ?? 0) : Infinity);
      d.persons[into] = {
        kind: b?.kind ?? a.kind,
        visits: a.visits + (b?.visits ?? 0),
        lastSeenAt: Math.max(a.lastSeenAt, b?.lastSeenAt ?? 0),
        firstSeenAt: Math.min(first(a), first(b)),
      };
      delete d.persons[from];
    });
  }
}
