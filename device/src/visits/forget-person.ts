import { randomBytes } from 'node:crypto';
import type { Visit } from '../contracts/visit.js';
import type { PersonForgotten } from '../contracts/sync.js';
import type { EventBus } from '../events.js';
import type { StoredVisitEvent } from '../store/appliance-store.js';
import type { DayLog } from '../store/day-log.js';
import type { PersonStats } from './person-stats.js';
import type { VisitTracker } from './visit-tracker.js';

/** One tombstone per forgotten person: their visits still count (one visitor), nothing links them to anyone. */
export function newTombstone(): string {
  return `F-${randomBytes(6).toString('hex')}`;
}

export interface ForgetReport extends PersonForgotten {
  visits: number;
  events: number;
}

/**
 * The visits' part of forgetting a person (identity removes embeddings and crops first): the open visit
 * is closed under the tombstone, every stored visit and history entry of theirs takes the tombstone (and
 * loses its crop id, the crop is gone), the visit counter goes, and the bus tells the sync outbox, which
 * renames what it has not sent and carries a forget item to the cloud.
 */
export class PersonForgetter {
  constructor(
    private readonly deps: {
      visits: DayLog<Visit>;
      visitEvents: DayLog<StoredVisitEvent>;
      stats: PersonStats;
      tracker: VisitTracker;
      bus: EventBus;
    },
  ) {}

  async forget(personId: string): Promise<ForgetReport> {
    const tombstone = newTombstone();
    const span = await this.deps.stats.span(personId);
    const closedOpen = await this.deps.tracker.forgetPerson(personId, tombstone);
    const from = span?.first;
    const renamed = await this.rename(this.deps.visits, from, (v) => (v.personId === personId ? anonymise(v, tombstone) : null));
    const events = await this.rename(this.deps.visitEvents, from, (e) =>
      e.after.personId === personId || e.before?.personId === personId
        ? { ...e, after: anonymise(e.after, tombstone), before: e.before && anonymise(e.before, tombstone) }
        : null,
    );
    await this.deps.stats.forget(personId);
    this.deps.bus.emit('forget', { personId, tombstone });
    return { personId, tombstone, visits: renamed + (closedOpen ? 1 : 0), events };
  }

  /** Rewrites the records `change` returns (null: untouched) from `from` on; returns how many changed. */
  private async rename<T extends { id: string }>(log: DayLog<T>, from: number | undefined, change: (r: T) => T | null): Promise<number> {
    const ids: string[] = [];
    for await (const r of log.scan({ from })) if (change(r)) ids.push(r.id);
    for (const id of ids) await log.upsert(id, (cur) => (cur && change(cur)) ?? cur!);
    return ids.length;
  }
}

function anonymise(v: Visit, tombstone: string): Visit {
  return { ...v, personId: tombstone, bestCropId: null };
}
