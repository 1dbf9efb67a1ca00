import { randomBytes } from 'node:crypto';
import type { CameraFrame } from '../frame/frame.js';
import type { CaptureView, StartCaptureRequest } from '../contracts/enrol-capture.js';
import type { EnrolPhoto } from '../identity/staff.js';
import { isLocated, type FrameObserver, type PipelineEngine } from '../pipeline/analysis-pipeline.js';
import { cutFace } from '../frame/face-crop.js';
import { encodeFaceCrop } from '../store/crop-image.js';
import { isDecisive, type QualityGate } from '../tracking/quality-gate.js';
import type { TrackedFace } from '../tracking/types.js';
import type { Feature } from '../util/feature.js';
import { err, ok, type Result } from '../util/result.js';
import { roundTo } from '../util/stats.js';
import type { FaceAnalysis, LocatedFace } from '../vision/engine.js';

/** Captured shots stay in memory this long after the capture ends (then the manager starts again). */
export const CAPTURE_KEEP_MS = 10 * 60_000;
/** Captures held at once (each holds a few JPEGs and embeddings). */
export const MAX_CAPTURES = 8;
/** Two kept shots are at least this far apart in time, so the shots show different moments (poses), not one. */
export const MIN_SHOT_GAP_MS = 300;

interface Shot {
  shotId: string;
  at: number;
  face: FaceAnalysis;
  jpeg: Buffer;
}

interface Capture {
  id: string;
  cameraId: string;
  startedAt: number;
  endsAt: number;
  maxShots: number;
  frames: number;
  singleFaceFrames: number;
  tooPoor: number;
  nextShot: number;
  shots: Shot[];
}

export type CaptureError = { code: 'not_found' | 'invalid' | 'unavailable'; message: string };

export interface EnrolCapturesDeps {
  pipeline: { observe(o: FrameObserver): () => void };
  engine: Pick<PipelineEngine, 'locate' | 'describe'>;
  gate: () => QualityGate;
  /** Whether the camera exists and is enabled (a capture on anything else could never collect). */
  cameraRunning: (cameraId: string) => boolean;
  now?: () => number;
}

/**
 * Enrol from a camera: for some seconds, every analysed frame of the chosen camera with exactly ONE face (so the
 * face can only be the person enrolling) offers that face; the best few by quality are kept, at least
 * MIN_SHOT_GAP_MS apart, each with its embedding and a JPEG crop. The manager then keeps or drops each shot and
 * the kept ones are enrolled like uploaded photos (same checks, same per-shot verdicts).
 *
 * Runs inside the pipeline's frame loop (a FrameObserver), so its extra locate/describe calls never race the
 * pipeline for the engine; a face the pipeline already located is not located again.
 */
export class EnrolCaptures implements Feature, FrameObserver {
  readonly name = 'enrol-captures';
  private readonly captures = new Map<string, Capture>();
  private off: (() => void) | null = null;

  constructor(private readonly deps: EnrolCapturesDeps) {}

  async start(): Promise<void> {
    this.off ??= this.deps.pipeline.observe(this);
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
    this.captures.clear();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  begin(req: StartCaptureRequest): Result<CaptureView, CaptureError> {
    this.expire();
    if (!this.deps.cameraRunning(req.cameraId)) return err({ code: 'not_found', message: `no running camera ${req.cameraId}` });
    if (this.captures.size >= MAX_CAPTURES) return err({ code: 'unavailable', message: `${MAX_CAPTURES} captures are open; finish or drop one first` });
    const now = this.now();
    const c: Capture = {
      id: `K-${randomBytes(8).toString('hex')}`,
      cameraId: req.cameraId,
      startedAt: now,
      endsAt: now + req.seconds * 1000,
      maxShots: req.maxShots,
      frames: 0,
      singleFaceFrames: 0,
      tooPoor: 0,
      nextShot: 0,
      shots: [],
    };
    this.captures.set(c.id, c);
    return ok(this.view(c));
  }

  get(id: string): Result<CaptureView, CaptureError> {
    this.expire();
    const c = this.captures.get(id);
    return c ? ok(this.view(c)) : err({ code: 'not_found', message: `no capture ${id} (captures are kept ${CAPTURE_KEEP_MS / 60_000} min)` });
  }

  shotJpeg(id: string, shotId: string): Buffer | null {
    return this.captures.get(id)?.shots.find((s) => s.shotId === shotId)?.jpeg ?? null;
  }

  /** The kept shots as enrolment photos (the capture stays until it expires or is dropped). */
  photos(id: string, keep: readonly string[]): Result<EnrolPhoto[], CaptureError> {
    this.expire();
    const c = this.captures.get(id);
    if (!c) return err({ code: 'not_found', message: `no capture ${id}` });
    if (this.now() < c.endsAt) return err({ code: 'invalid', message: 'the capture is still collecting; wait until it is done' });
    const missing = keep.filter((k) => !c.shots.some((s) => s.shotId === k));
    if (missing.length) return err({ code: 'not_found', message: `capture ${id} has no shot ${missing.join(', ')}` });
    const chosen = c.shots.filter((s) => keep.includes(s.shotId));
    return ok(chosen.map((s) => ({ source: `${c.cameraId} shot ${s.shotId}`, faces: [s.face], crop: { jpeg: s.jpeg } })));
  }

  drop(id: string): boolean {
    return this.captures.delete(id);
  }

  async observe(frame: CameraFrame, at: number, faces: ReadonlyArray<LocatedFace | TrackedFace>): Promise<void> {
    const now = this.now();
    for (const c of this.captures.values()) {
      if (c.cameraId !== frame.cameraId || now < c.startedAt || now > c.endsAt) continue;
      c.frames++;
      if (faces.length !== 1) continue;
      c.singleFaceFrames++;
      try {
        await this.offer(c, frame, faces[0], now);
      } catch {
        // A face that cannot be described or cut (e.g. at the frame's edge) is no shot; the frame itself is fine.
        c.tooPoor++;
      }
    }
  }

  private async offer(c: Capture, frame: CameraFrame, seen: LocatedFace | TrackedFace, now: number): Promise<void> {
    const located = isLocated(seen) ? seen : (await this.deps.engine.locate(frame, [{ box: seen.box, score: seen.score }]))[0];
    if (!located || !isDecisive(located, this.deps.gate())) {
      c.tooPoor++;
      return;
    }
    const q = located.quality.score;
    // A shot close in time to a kept one competes with it only; otherwise with the worst kept shot when full.
    const near = c.shots.find((s) => Math.abs(s.at - now) < MIN_SHOT_GAP_MS);
    const rival = near ?? (c.shots.length >= c.maxShots ? c.shots[c.shots.length - 1] : null);
    if (rival && rival.face.quality.score >= q) return;
    const [face] = await this.deps.engine.describe(frame, [located], { ageGender: false });
    const crop = face && cutFace(frame, face.box);
    if (!face?.embedding || !crop) return;
    const jpeg = await encodeFaceCrop(crop.frame, crop.box);
    if (rival) c.shots.splice(c.shots.indexOf(rival), 1);
    c.shots.push({ shotId: String(c.nextShot++), at: now, face, jpeg });
    c.shots.sort((a, b) => b.face.quality.score - a.face.quality.score);
  }

  private view(c: Capture): CaptureView {
    const now = this.now();
    const done = now >= c.endsAt;
    const hint =
      c.shots.length > 0
        ? null
        : c.frames === 0
          ? 'No analysed frame from this camera yet: is it running?'
          : c.singleFaceFrames === 0
            ? 'No frame showed exactly one face: the person should stand alone in front of the camera.'
            : 'The face was too small or blurred to enrol: come closer to the camera and hold still.';
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: c.id,
      cameraId: c.cameraId,
      state: done ? 'done' : 'collecting',
      startedAt: iso(c.startedAt),
      endsAt: iso(c.endsAt),
      expiresAt: iso(c.endsAt + CAPTURE_KEEP_MS),
      frames: c.frames,
      singleFaceFrames: c.singleFaceFrames,
      tooPoor: c.tooPoor,
      shots: c.shots.map((s) => ({
        shotId: s.shotId,
        at: iso(s.at),
        widthPx: roundTo(s.face.quality.size, 1),
        sharpness: roundTo(s.face.quality.sharpness, 1),
        frontal: roundTo(s.face.quality.frontal, 2),
        quality: roundTo(s.face.quality.score, 3),
      })),
      hint,
    };
  }

  private expire(): void {
    const now = this.now();
    for (const [id, c] of this.captures) if (now > c.endsAt + CAPTURE_KEEP_MS) this.captures.delete(id);
  }
}
