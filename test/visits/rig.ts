import { EventBus } from '../../device/src/events.js';
import type { Counts } from '../../device/src/contracts/live.js';
import type { VisitEvent } from '../../device/src/contracts/visit.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { ManualClock } from '../../device/src/store/clock.js';
import { PersonStats, PersonStatsData } from '../../device/src/visits/person-stats.js';
import { VisitTracker } from '../../device/src/visits/visit-tracker.js';
import type { Sighting } from '../../device/src/visits/sighting.js';

/** A real store in `dir`, a tracker on it, and everything it put on the bus. */
export async function trackerRig(dir: string, clock: ManualClock, opts: { timezone?: string; gap?: number; updateMs?: number } = {}) {
  const store = await ApplianceStore.open({ dir, embeddingDim: 128 });
  const stats = new PersonStats(await store.document('person-stats', PersonStatsData, {}));
  const bus = new EventBus();
  const events: VisitEvent[] = [];
  const counts: Counts[] = [];
  bus.on('visit', (e) => events.push(e));
  bus.on('counts', (c) => counts.push(c));
  const settings = { visitGapMinutes: opts.gap ?? 30, timezone: opts.timezone ?? 'UTC' };
  const tracker = new VisitTracker({
    visits: store.visits,
    visitEvents: store.visitEvents,
    stats,
    crops: store.crops,
    bus,
    clock,
    settings: () => settings,
    updateIntervalMs: opts.updateMs ?? 10_000,
    tickMs: 3_600_000, // the test drives tick() itself
  });
  return { store, stats, bus, events, counts, tracker, settings };
}

export function sighting(clock: ManualClock, personId: string, extra: Partial<Sighting> = {}): Sighting {
  return {
    personId,
    kind: personId.startsWith('S-') ? 'staff' : 'customer',
    cameraId: 'door',
    at: clock.now(),
    age: null,
    gender: null,
    quality: 0.5,
    ...extra,
  };
}
