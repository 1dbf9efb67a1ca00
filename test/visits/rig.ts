import { after, type TestContext } from 'node:test';
import { tempDir } from '../store/helpers.js';
import { EventBus } from '../../device/src/events.js';
import type { Counts } from '../../device/src/contracts/live.js';
import type { VisitEvent } from '../../device/src/contracts/visit.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { openVisitModule } from '../../device/src/visits/visit-module.js';
import type { Sighting } from '../../device/src/visits/sighting.js';
import { EMBEDDING_LENGTH } from '../../device/src/frame/face.js';

/**
 * Every store a rig opened, closed when the test file ends: a test that simulates a crash abandons its rig
 * mid-way (nothing flushed or stopped), but its files must still be closed, never left to the garbage collector.
 */
const opened: ApplianceStore[] = [];
after(async () => {
  // An abandoned rig's folder may be gone already; closing it is only about its file handles.
  for (const s of opened.splice(0)) await s.close().catch(() => {});
});

/** A real store in `dir` (with embeddings only when asked), a tracker on it, and everything it put on the bus. */
export async function trackerRig(dir: string, clock: ManualClock, opts: { timezone?: string; gap?: number; updateMs?: number; embeddings?: boolean } = {}) {
  const store = await ApplianceStore.open({ dir, ...(opts.embeddings ? { embeddingDim: EMBEDDING_LENGTH } : {}) });
  opened.push(store);
  const bus = new EventBus();
  const events: VisitEvent[] = [];
  const counts: Counts[] = [];
  bus.on('visit', (e) => events.push(e));
  bus.on('counts', (c) => counts.push(c));
  const settings = { visitGapMinutes: opts.gap ?? 30, timezone: opts.timezone ?? 'UTC' };
  const { stats, tracker, query } = await openVisitModule(store, {
    bus,
    clock,
    settings,
    updateIntervalMs: opts.updateMs ?? 10_000,
    tickMs: 3_600_000, // the test drives tick() itself
  });
  return { store, stats, bus, events, counts, tracker, query, settings };
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

/** A temp dir (removed after the test), a simulated clock at `at`, and a started tracker rig on them. */
export async function startedRig(t: TestContext, at: number, opts: Parameters<typeof trackerRig>[2] = {}) {
  const { dir, cleanup } = await tempDir('tracker');
  t.after(cleanup);
  const clock = new ManualClock(at);
  const rig = await trackerRig(dir, clock, opts);
  await rig.tracker.start();
  return { rig, dir, clock };
}
