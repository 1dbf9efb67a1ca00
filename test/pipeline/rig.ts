/**
 * The whole appliance behind the pipeline, for tests and the benchmark: a real store in a temp dir, the real
 * identity service (Lin-Manuel Miranda and Alex Lacamoire enrolled as staff from the shared photos), the real
 * visit tracker and the real face engine. Only the clock can be shifted, so a replay can happen "later".
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceEvent } from '../../device/src/contracts/live.js';
import type { VisitEvent } from '../../device/src/contracts/visit.js';
import { EventBus } from '../../device/src/events.js';
import { analyzeEnrolPhotos } from '../../device/src/identity/enrol-photos.js';
import { IdentityService } from '../../device/src/identity/identity-service.js';
import { AnalysisPipeline } from '../../device/src/pipeline/analysis-pipeline.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import type { Clock } from '../../device/src/util/clock.js';
import { createLogger } from '../../device/src/util/log.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import type { FaceEngine } from '../../device/src/vision/engine.js';
import { PersonStats, PersonStatsData } from '../../device/src/visits/person-stats.js';
import { VisitTracker, visitSettingsOf } from '../../device/src/visits/visit-tracker.js';
import { defaultSettings } from '../../device/src/contracts/settings.js';
import { EMBEDDING_LENGTH } from '../../device/src/frame/face.js';

/** Wall clock plus an offset that only grows: "play the clip again 40 minutes later". */
export class ShiftedClock implements Clock {
  private shift = 0;
  now(): number {
    return Date.now() + this.shift;
  }
  advance(ms: number): void {
    this.shift += ms;
  }
}

export const STAFF = [
  { folder: 'lin_manuel_miranda', name: 'Lin-Manuel Miranda' },
  { folder: 'alex_lacamoire', name: 'Alex Lacamoire' },
] as const;

export interface ApplianceRig {
  dir: string;
  clock: ShiftedClock;
  bus: EventBus;
  store: ApplianceStore;
  identity: IdentityService;
  visits: VisitTracker;
  pipeline: AnalysisPipeline;
  /** Staff person id by shared-data folder name. */
  staffIds: Map<string, string>;
  faceEvents: FaceEvent[];
  visitEvents: VisitEvent[];
  close(): Promise<void>;
}

export interface RigOptions {
  visitGapMinutes?: number;
  /** Keep the temp dir (debugging). */
  keep?: boolean;
}

/** Enrols every photo of a shared identity folder as one staff member; returns the staff id. */
export async function enrolStaff(identity: IdentityService, engine: FaceEngine, folder: string, name: string): Promise<string> {
  const dir = join(facesDataDir(), 'identities', folder);
  const created = await identity.createStaff(name);
  if (!created.ok) throw new Error(`create staff ${name}: ${created.error.message}`);
  const files = (await readdir(dir)).sort();
  const photos = await analyzeEnrolPhotos(engine, files.map((f) => ({ source: f, data: join(dir, f) })));
  const report = await identity.enrolStaff(created.value.id, photos);
  if (!report.ok) throw new Error(`enrol ${name}: ${report.error.message}`);
  return created.value.id;
}

export async function openRig(engine: FaceEngine, opts: RigOptions = {}): Promise<ApplianceRig> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-pipeline-'));
  const clock = new ShiftedClock();
  const bus = new EventBus();
  const settings = { ...defaultSettings(), visitGapMinutes: opts.visitGapMinutes ?? 30 };
  const store = await ApplianceStore.open({ dir, embeddingDim: EMBEDDING_LENGTH });
  const identity = new IdentityService({ dir: join(dir, 'identity'), crops: store.crops, clock, gate: settings.recognition });
  await identity.start();
  const staffIds = new Map<string, string>();
  for (const s of STAFF) staffIds.set(s.folder, await enrolStaff(identity, engine, s.folder, s.name));

  const stats = new PersonStats(await store.document('person-stats', PersonStatsData, {}));
  const visits = new VisitTracker({
    visits: store.visits,
    visitEvents: store.visitEvents,
    stats,
    crops: store.crops,
    bus,
    clock,
    settings: visitSettingsOf(settings),
    updateIntervalMs: 1000,
  });
  await visits.start();
  const pipeline = new AnalysisPipeline({ engine, decider: identity, visits, bus, recognition: settings.recognition, clock, log: createLogger('pipeline') });
  await pipeline.start();

  const faceEvents: FaceEvent[] = [];
  const visitEvents: VisitEvent[] = [];
  bus.on('face', (e) => faceEvents.push(e));
  bus.on('visit', (e) => visitEvents.push(e));

  return {
    dir,
    clock,
    bus,
    store,
    identity,
    visits,
    pipeline,
    staffIds,
    faceEvents,
    visitEvents,
    async close() {
      await pipeline.stop();
      await visits.stop();
      await identity.stop();
      await store.close();
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    },
  };
}
