/**
 * one-by-one.mp4 replayed through the real analysis pipeline (real face engine, identity, visits, person detector,
 * person tracks, counting and footfall counter), as fast as the pipeline takes frames: each frame is offered to
 * every configured camera and drained before the next, so none is dropped and the clip's own timing (10 fps) is
 * the time base. Used by test/people/footfall-pipeline.test.ts and bench:people.
 */
import { CameraConfig, type CameraConfigInput } from '../../device/src/contracts/camera.js';
import type { FootfallCounts, FootfallEvent } from '../../device/src/contracts/footfall.js';
import type { Visit } from '../../device/src/contracts/visit.js';
import { FootfallCounter, FootfallData } from '../../device/src/footfall/footfall-counter.js';
import { PeopleStage, type CameraPeopleStats, type PeopleVisitStats } from '../../device/src/people/people-stage.js';
import type { PersonDetector } from '../../device/src/people/person-detector.js';
import type { FaceEngine } from '../../device/src/vision/engine.js';
import type { RgbFrame } from '../../device/src/frame/frame.js';
import { openRig } from '../../test/pipeline/rig.js';
import { oneByOneFrames, ONE_BY_ONE_FPS } from '../../test/people/one-by-one.js';

export interface OccupancySample {
  seconds: number;
  /** Zone occupancy per camera after the frame. */
  byCamera: Record<string, number>;
}

export interface OneByOneReplay {
  events: FootfallEvent[];
  samples: OccupancySample[];
  people: CameraPeopleStats[];
  counts: FootfallCounts;
  /** Every visit the replay made (faces' and counted people's), as it stands at the end. */
  visits: Visit[];
  /** How counted entrants became visits. */
  visitors: PeopleVisitStats;
  framesAnalysed: number;
  sceneChanges: number;
  wallMs: number;
  /** Time base of the clip's first frame (events' `at` minus this is the clip time). */
  clipStart: number;
}

export interface ReplayOptions {
  /** Analyse every `step`-th frame of the clip (1 = all 10 fps). */
  step?: number;
  /** Stop after this many seconds of the clip. */
  untilSeconds?: number;
}

export async function replayOneByOne(engine: FaceEngine, detector: PersonDetector, cameras: CameraConfigInput[], opts: ReplayOptions = {}): Promise<OneByOneReplay> {
  return replayClip(engine, detector, cameras, oneByOneFrames(opts.step ?? 1), ONE_BY_ONE_FPS, opts);
}

/** Frames of a clip numbered at its own rate (`index / fps` seconds from its start). */
export type ClipFrames = AsyncIterable<{ frame: RgbFrame; index: number; seconds: number }>;

/** Any clip through the real pipeline, the same way (hamilton.mp4 for faces bound to persons). */
export async function replayClip(engine: FaceEngine, detector: PersonDetector, cameras: CameraConfigInput[], clip: ClipFrames, fps: number, opts: ReplayOptions = {}): Promise<OneByOneReplay> {
  const configs = new Map(cameras.map((c) => [c.id, CameraConfig.parse(c)]));
  let counter: FootfallCounter | null = null;
  let people: PeopleStage | null = null;
  const rig = await openRig(engine, {
    async pipelineExtras({ bus, store }) {
      const doc = await store.document('footfall', FootfallData, { hours: {} });
      counter = new FootfallCounter({ doc, bus, timezone: () => 'UTC' });
      await counter.start();
      people = new PeopleStage({ detector, camera: (id) => configs.get(id), footfall: counter });
      // The replay's time base is the clip's, not the wall clock: no wall-clock expiry of tracks meanwhile.
      return { people, tickMs: 3_600_000 };
    },
  });
  const footfall = counter as unknown as FootfallCounter;
  const stage = people as unknown as PeopleStage;
  const events: FootfallEvent[] = [];
  rig.bus.on('footfall', (e) => events.push(e));
  const samples: OccupancySample[] = [];
  const t0 = Date.now() - 10 * 60_000;
  const started = performance.now();
  let last = t0;
  try {
    for await (const { frame, index, seconds } of clip) {
      if (opts.untilSeconds !== undefined && seconds > opts.untilSeconds) break;
      last = t0 + (index * 1000) / fps;
      for (const id of configs.keys()) rig.pipeline.offer({ ...frame, cameraId: id, seq: index, capturedAt: last, ptsMs: last - t0 });
      await rig.pipeline.drain();
      const byCamera: Record<string, number> = {};
      for (const z of footfall.counts().zones) byCamera[z.cameraId] = (byCamera[z.cameraId] ?? 0) + z.occupancy;
      samples.push({ seconds, byCamera });
    }
    // The clip ended: everyone still tracked is gone (at the clip's time, past the occlusion budget).
    for (const id of configs.keys()) stage.endTracks(id, last + 2000);
    // And their faces: a counted person's visit is settled once the face tracks it held have ended.
    for (const id of configs.keys()) await rig.pipeline.endTracks(id);
    await footfall.settled();
    const stats = rig.pipeline.stats();
    const visits = new Map<string, Visit>();
    for (const e of rig.visitEvents) visits.set(e.after.id, e.after);
    for (const v of rig.visits.openVisits()) visits.set(v.id, v);
    return {
      events,
      samples,
      people: stage.stats(),
      counts: footfall.counts(),
      visits: [...visits.values()],
      visitors: stage.visitStats(),
      framesAnalysed: stats.cameras.reduce((n, c) => n + c.analysedFrames, 0),
      sceneChanges: stats.cameras.reduce((n, c) => n + c.sceneChanges, 0),
      wallMs: performance.now() - started,
      clipStart: t0,
    };
  } finally {
    await rig.close();
    await footfall.stop();
  }
}

/** The counting set-ups measured on the clip (docs/footfall.md): its entrance is the bottom edge, its exit the right. */
export const ONE_BY_ONE_LINE = {
  id: 'exit',
  name: 'Right-hand exit (and the bottom entrance)',
  // Down the right-hand exit, then along the bottom entrance: the floor is on the right of this walk.
  points: [{ x: 0.7, y: 0 }, { x: 0.7, y: 0.62 }, { x: 0, y: 0.62 }],
  inSide: 'right' as const,
};
/**
 * The whole floor the camera sees, exit path included: someone walking out by the right is inside until they are out
 * of view (measured: a zone stopping short of the exit, at x = 0.72, was right 92.5 % of the time, this one 97.6 %).
 */
export const ONE_BY_ONE_ZONE = {
  id: 'floor',
  name: 'Floor',
  polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }],
};
