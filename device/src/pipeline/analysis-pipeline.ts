import type { CameraFrame, FrameFeed } from '../frame/frame.js';
import { sectionChanged, type Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { TrackerOptions } from '../tracking/tracker.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackSummary } from '../tracking/types.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { DescribePlan } from '../tracking/describe-policy.js';
import { unmeasuredQuality } from '../tracking/quality-gate.js';
import type { Detection } from '../vision/detector.js';
import type { FaceAnalysis, FaceEngine, LocatedFace } from '../vision/engine.js';
import { CameraAnalysis } from './camera-analysis.js';
import { cutFace } from '../frame/face-crop.js';
import { LatestFrameSlots } from './frame-slots.js';
import { SightingRelay, type SightingSink } from './sighting-relay.js';
import { StageTimings, type Stage } from './stage-timings.js';
import type { CameraPeopleStats, FaceOnFrame, PeopleStage } from '../people/people-stage.js';

/**
 * Lowest detector score a box may have to CONTINUE a track (never to start one). UltraFace drew no false face on
 * the labelled scenes from 0.5 up (models.md §2.1); the three-quarter faces it loses at the default 0.8 score
 * 0.65–0.8.
 */
export const CONTINUATION_SCORE = 0.5;

/** The face engine steps the pipeline uses (FaceEngine has them). */
export type PipelineEngine = Pick<FaceEngine, 'detect' | 'locate' | 'describe'>;

export type RecognitionSettings = Settings['recognition'];

export interface AnalysisPipelineDeps {
  engine: PipelineEngine;
  /** Decides a track's identity (identity's track decider). */
  decider: TrackDecider<TrackedFace>;
  /** Takes decided sightings (the VisitTracker). */
  visits: SightingSink;
  bus: EventBus;
  /** The recognition settings at start; later changes arrive through `onSettingsChanged`. */
  recognition: RecognitionSettings;
  /**
   * Time base for tracks and sightings. Frames are stamped `capturedAt + (clock.now() − Date.now())`, so the
   * system clock keeps capture times and a shifted clock (tests, replays) moves the whole timeline.
   */
  clock?: Clock;
  tracker?: Partial<Omit<TrackerOptions, 'minFaceSize' | 'minSharpness'>>;
  /** Person detection, tracks and footfall for cameras set to `persons` or `both` (absent: faces only). */
  people?: PeopleStage;
  /** How often tracks of cameras that stopped sending frames are checked for their end (ms, default 500). */
  tickMs?: number;
  log?: Logger;
}

/**
 * Watches every analysed frame's faces (placement check, enrol from a camera). Called in the frame loop after the
 * frame's own work and awaited, so an observer may use the engine without racing the pipeline for it.
 */
export interface FrameObserver {
  observe(frame: CameraFrame, at: number, faces: ReadonlyArray<LocatedFace | TrackedFace>): void | Promise<void>;
}

export interface CameraPipelineStats {
  cameraId: string;
  /** Frames offered by the camera. */
  receivedFrames: number;
  analysedFrames: number;
  /** Frames replaced by a newer one before analysis could take them (latest wins). */
  droppedFrames: number;
  failedFrames: number;
  facesSeen: number;
  activeTracks: number;
  faceEvents: number;
  /** Abrupt view changes seen (each ended the camera's tracks). */
  sceneChanges: number;
  lastAnalysedAt: string | null;
}

export interface PipelineStats {
  running: boolean;
  cameras: CameraPipelineStats[];
  /** Medians of the recent samples per stage (ms). */
  stageMs: Partial<Record<Stage, number>>;
  /** `stitched`: never-identified tracks that joined the visit of the track they continued (fragment-stitcher.ts). */
  sightings: { sent: number; refused: number; stitched: number };
  /** Person tracking per camera (cameras that run persons). */
  people: CameraPeopleStats[];
}

/**
 * The analysis pipeline: cameras → detect → locate/quality → track → (batched) describe → identity → visits.
 *
 * Back-pressure: each camera has ONE waiting-frame slot, latest wins (LatestFrameSlots); one analysis loop
 * serves the slots round-robin, so a busy engine drops stale frames (counted) instead of queueing them.
 * Per frame only faces that pass the quality gate AND whose track still needs evidence are described, in one
 * batch. Identity is decided per track by the tracker through the decider, off the frame loop.
 */
export class AnalysisPipeline implements Feature {
  readonly name = 'pipeline';
  readonly timings = new StageTimings();
  private readonly slots = new LatestFrameSlots();
  private readonly cameras = new Map<string, CameraAnalysis>();
  private readonly failed = new Map<string, number>();
  private readonly observers = new Set<FrameObserver>();
  private readonly relay: SightingRelay;
  private readonly decider: TrackDecider<TrackedFace>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private loop: Promise<void> | null = null;
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private recognition: RecognitionSettings;

  constructor(private readonly deps: AnalysisPipelineDeps) {
    this.recognition = deps.recognition;
    this.log = deps.log ?? createLogger('pipeline');
    this.clock = deps.clock ?? systemClock;
    const people = deps.people;
    this.relay = new SightingRelay(deps.visits, this.log, people ? (faceTrackId, visit) => people.faceEnded(faceTrackId, visit) : undefined);
    this.decider = timedDecider(deps.decider, this.timings);
    if (people) {
      deps.bus.on('face', (e) => people.faceDecided(e.trackId, e.personId));
      // Counted entrants become visits through the same relay as faces (one visit per person).
      people.connectVisits(this.relay);
    }
  }

  /** Adds a watcher of analysed faces; returns its removal. */
  observe(observer: FrameObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Subscribes to a frame feed (the camera manager). Frames may also be pushed with `offer`. */
  attach(feed: FrameFeed): void {
    this.unsubscribe?.();
    this.unsubscribe = feed.onFrame((f) => this.offer(f));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.tick(), this.deps.tickMs ?? 500);
    this.timer.unref();
    this.log.info('analysis pipeline started');
  }

  /** Stops taking frames, finishes the frame in progress, ends every track and waits for the last sightings. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.loop;
    const at = this.now();
    await Promise.all([...this.cameras.values()].map((c) => c.flush(at)));
    for (const id of this.deps.people?.cameraIds() ?? []) this.deps.people?.endTracks(id, at);
    await this.relay.settled();
    this.log.info('analysis pipeline stopped', { frames: this.stats().cameras.reduce((n, c) => n + c.analysedFrames, 0) });
  }

  /** Hands one camera frame to analysis (never blocks; a waiting older frame of that camera is dropped). */
  offer(frame: CameraFrame): void {
    if (!this.running) {
      frame.release?.(); // not taken: a demand-paced source must not wait for us
      return;
    }
    this.slots.offer(frame);
    this.loop ??= this.run().finally(() => {
      this.loop = null;
    });
  }

  /**
   * Resolves once the frames waiting now are analysed (the loop runs until no frame waits) and every identity
   * decision and sighting so far has settled. Bounded even while cameras keep sending.
   */
  async drain(): Promise<void> {
    await this.loop;
    await Promise.all([...this.cameras.values()].map((c) => c.tracker.idle()));
    await this.relay.settled();
  }

  /** Ends a camera's tracks now (e.g. the camera was removed, or a replay ended) and waits for their decisions. */
  async endTracks(cameraId: string): Promise<void> {
    const cam = this.cameras.get(cameraId);
    if (!cam) return;
    await this.drain();
    await cam.flush(this.now());
    this.deps.people?.endTracks(cameraId, this.now());
    await this.relay.settled();
  }

  /**
   * New recognition thresholds apply from the next frame (every camera's quality gate at once); a camera
   * removed from the settings is forgotten, its tracks ended and decided.
   */
  async onSettingsChanged(next: Settings, prev: Settings): Promise<void> {
    if (sectionChanged(prev, next, 'recognition')) {
      this.recognition = next.recognition;
      for (const c of this.cameras.values()) {
        c.tracker.setQualityGate(gateOf(next.recognition));
        c.tracker.setStartScore(next.recognition.detectionThreshold);
      }
    }
    const kept = new Set(next.cameras.map((c) => c.id));
    await Promise.all(prev.cameras.filter((c) => !kept.has(c.id)).map((c) => this.removeCamera(c.id)));
  }

  /** Forgets a removed camera entirely. */
  async removeCamera(cameraId: string): Promise<void> {
    await this.endTracks(cameraId);
    this.cameras.delete(cameraId);
    this.deps.people?.removeCamera(cameraId, this.now());
    this.slots.remove(cameraId);
    this.failed.delete(cameraId);
  }

  cameraIds(): string[] {
    return [...this.cameras.keys()];
  }

  stats(): PipelineStats {
    return {
      running: this.running,
      cameras: [...this.cameras.values()].map((c) => ({
        cameraId: c.cameraId,
        receivedFrames: this.slots.acceptedFrames(c.cameraId),
        analysedFrames: c.analysedFrames,
        droppedFrames: this.slots.droppedFrames(c.cameraId),
        failedFrames: this.failed.get(c.cameraId) ?? 0,
        facesSeen: c.facesSeen,
        activeTracks: c.activeTracks,
        faceEvents: c.faceEvents,
        sceneChanges: c.sceneChanges,
        lastAnalysedAt: c.lastAnalysedAt === null ? null : new Date(c.lastAnalysedAt).toISOString(),
      })),
      stageMs: this.timings.medians(),
      sightings: { sent: this.relay.sent, refused: this.relay.refused, stitched: this.relay.stitched },
      people: this.deps.people?.stats() ?? [],
    };
  }

  private now(): number {
    return Math.round(this.clock.now());
  }

  private async run(): Promise<void> {
    for (let frame = this.slots.take(); frame && this.running; frame = this.slots.take()) {
      try {
        await this.analyse(frame);
      } catch (e) {
        // One bad frame (or a transient engine error) never stops the cameras' analysis.
        this.failed.set(frame.cameraId, (this.failed.get(frame.cameraId) ?? 0) + 1);
        this.log.warn('frame analysis failed', { cameraId: frame.cameraId, seq: frame.seq, error: String(e) });
      }
    }
  }

  private camera(id: string): CameraAnalysis {
    let cam = this.cameras.get(id);
    if (!cam) {
      const gate = gateOf(this.recognition);
      // Detections under the threshold only continue tracks (ByteTrack style, see CONTINUATION_SCORE).
      const tracker = { ...this.deps.tracker, startScore: this.recognition.detectionThreshold };
      cam = new CameraAnalysis(id, { decider: this.decider, bus: this.deps.bus, relay: this.relay, timings: this.timings, gate, tracker });
      this.cameras.set(id, cam);
    }
    return cam;
  }

  private async analyse(frame: CameraFrame): Promise<void> {
    const cam = this.camera(frame.cameraId);
    const at = Math.round(frame.capturedAt + (this.clock.now() - Date.now()));
    const t0 = performance.now();
    this.timings.record('wait', Date.now() - frame.capturedAt);
    // A new view (clip cut, PTZ move): nobody on it continues a track of the old one. The frame loop does not
    // wait for the ended tracks' last identity calls (store writes); drain()/stop() do.
    if (cam.scene.changed(frame)) {
      cam.sceneChanges++;
      cam.endTracksNow(at);
      this.deps.people?.endTracks(frame.cameraId, at);
    }
    const people = this.deps.people;
    const mode = people?.mode(frame.cameraId) ?? 'faces';
    // Person detection runs while the face steps run (both mostly wait on onnxruntime's threads); the person
    // tracks are updated after the faces, which they bind.
    // Between two person detections (people.detectDue) the person tracks are carried over on their predictions.
    const persons = people && mode !== 'faces' && people.detectDue(frame.cameraId, at) ? timed(() => people.detect(frame)) : null;
    const faces = mode === 'persons' ? [] : await this.analyseFaces(frame, at, cam, t0);
    if (mode === 'persons') cam.update(frame, at, []);
    if (people && mode !== 'faces' && !persons) people.carry(frame.cameraId, at, faces);
    if (people && persons) {
      const { value, ms } = await persons;
      const tu = performance.now();
      const tracks = people.update(frame, at, value, faces);
      this.timings.record('persons', ms + performance.now() - tu);
      this.deps.bus.emit('persons', { cameraId: frame.cameraId, boxes: tracks.filter((t) => t.confirmed).map((t) => t.box) });
    }
    this.timings.record('frame', performance.now() - t0);
  }

  /** The face steps: detect → locate → describe → track. Returns the frame's faces with their track ids. */
  private async analyseFaces(frame: CameraFrame, at: number, cam: CameraAnalysis, t0: number): Promise<FaceOnFrame[]> {
    const { engine } = this.deps;
    const rec = this.recognition;
    // ByteTrack-style: detect down to the continuation floor; a box under the threshold is kept only when it
    // continues a live track in place (tracker.keepDetections), so a face turning to profile keeps its track.
    const found = await engine.detect(frame, { threshold: Math.min(rec.detectionThreshold, CONTINUATION_SCORE), tiling: rec.tiling });
    const keep = cam.tracker.keepDetections(at, found);
    const dets = found.filter((_, i) => keep[i]);
    const t1 = performance.now();
    const located = await locatePlanned(engine, frame, dets, cam.tracker.locatePlan(at, dets));
    const t2 = performance.now();
    const plans = cam.tracker.describePlan(at, located);
    const described = await describePlanned(engine, frame, located, plans);
    const t3 = performance.now();

    const faces: TrackedFace[] = located.map((f, i) => {
      const d = described.get(i);
      if (!d) return f;
      // Only described faces can become a track's shots: cut their crop now, while the frame exists.
      const crop = cutFace(frame, d.box);
      return crop ? { ...d, crop } : d;
    });
    const ids = cam.update(frame, at, faces);
    const t4 = performance.now();

    this.timings.record('detect', t1 - t0);
    if (located.some(isLocated)) this.timings.record('locate', t2 - t1);
    if (described.size) this.timings.record('embed', t3 - t2);
    this.timings.record('track', t4 - t3);
    // Frame observers (placement check, enrol-from-camera captures) see the located faces of every analysed frame.
    for (const o of this.observers) await o.observe(frame, at, located);
    return ids.flatMap((trackId, i) => (trackId === null ? [] : [{ trackId, box: faces[i].box }]));
  }

  private tick(): void {
    const at = this.now();
    for (const c of this.cameras.values()) c.tick(at);
    this.deps.people?.tick(at);
  }
}

/**
 * Landmarks and quality for the detections that need them (tracker.locatePlan); the others (faces of decided
 * tracks between their quality checks) go on with their size only, never decisive.
 */
async function locatePlanned(engine: PipelineEngine, frame: CameraFrame, dets: Detection[], wanted: boolean[]): Promise<Array<LocatedFace | TrackedFace>> {
  const chosen = dets.filter((_, i) => wanted[i]);
  const located = chosen.length ? await engine.locate(frame, chosen) : [];
  let k = 0;
  return dets.map((d, i) => (wanted[i] ? located[k++] : { box: d.box, score: d.score, quality: unmeasuredQuality(d.box.width) }));
}

/**
 * Runs the describe step for the planned faces: one batch with age/gender (a track's first few good faces and
 * new best shots) and one without (re-verifications), so demographics cost only where they add a sample.
 * Returns the described faces by their index in `located`.
 */
async function describePlanned(engine: PipelineEngine, frame: CameraFrame, located: Array<LocatedFace | TrackedFace>, plans: DescribePlan[]): Promise<Map<number, FaceAnalysis>> {
  const out = new Map<number, FaceAnalysis>();
  for (const ageGender of [true, false]) {
    // Only located faces can be described (the gate never passes an unmeasured one anyway).
    const chosen = located.flatMap((f, i) => (plans[i].embed && plans[i].ageGender === ageGender && isLocated(f) ? [{ i, f }] : []));
    if (!chosen.length) continue;
    const faces = await engine.describe(frame, chosen.map((c) => c.f), { ageGender });
    chosen.forEach((c, k) => out.set(c.i, faces[k]));
  }
  return out;
}

const gateOf = (rec: RecognitionSettings) => ({ minFaceSize: rec.minFaceSize, minSharpness: rec.minSharpness });

export function isLocated(f: LocatedFace | TrackedFace): f is LocatedFace {
  return 'landmarks' in f;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0 };
}

/** Wraps the decider to time each decision (the `decision` stage). */
function timedDecider(inner: TrackDecider<TrackedFace>, timings: StageTimings): TrackDecider<TrackedFace> {
  return {
    async decide(summary: TrackSummary<TrackedFace>): Promise<IdentityDecision> {
      const t0 = performance.now();
      try {
        return await inner.decide(summary);
      } finally {
        timings.record('decision', performance.now() - t0);
      }
    },
    finish: (summary, last) => inner.finish(summary, last),
  };
}
