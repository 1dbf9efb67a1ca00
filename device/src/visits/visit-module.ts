import type { EventBus } from '../events.js';
import type { ApplianceStore } from '../store/appliance-store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { OpenVisitIds, OpenVisitIndex } from './open-visit-index.js';
import { PersonEntry, PersonStats } from './person-stats.js';
import { VisitQuery } from './visit-query.js';
import { VisitTracker, type VisitSettings } from './visit-tracker.js';

export interface VisitModule {
  stats: PersonStats;
  tracker: VisitTracker;
  query: VisitQuery;
}

/**
 * Wires the visits module onto an open store: per-person counters (`person-stats/`, sharded), the open
 * visits index (`open-visits.json`), the tracker (a Feature: start/stop it) and the query side for
 * HTTP, which reads the site's timezone from the tracker.
 */
export async function openVisitModule(
  store: ApplianceStore,
  deps: {
    bus: EventBus;
    /** At start; the tracker (a Feature) hears changes, and the query reads the timezone from it. */
    settings: VisitSettings;
    clock?: Clock;
    updateIntervalMs?: number;
    tickMs?: number;
  },
): Promise<VisitModule> {
  const stats = new PersonStats(await store.records('person-stats', PersonEntry));
  const openIndex = new OpenVisitIndex(await store.document('open-visits', OpenVisitIds, {}));
  const tracker = new VisitTracker({
    visits: store.visits,
    visitEvents: store.visitEvents,
    stats,
    openIndex,
    crops: store.crops,
    bus: deps.bus,
    clock: deps.clock ?? systemClock,
    settings: deps.settings,
    updateIntervalMs: deps.updateIntervalMs,
    tickMs: deps.tickMs,
  });
  const query = new VisitQuery({
    visits: store.visits,
    live: () => tracker.openVisits(),
    timezone: () => tracker.timezone,
    personSpan: (id) => stats.span(id),
  });
  return { stats, tracker, query };
}
