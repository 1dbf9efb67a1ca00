/**
 * FaceEngine: the face pipeline behind one object.
 *
 *   decode (image.ts) → detect (UltraFace) → 68 landmarks → quality → chip (dlib square, roll-corrected when tilted)
 *   → 128-D descriptor (batched) → age/gender (batched)
 *
 * `analyze()` runs all of it on a photo or frame. The camera pipeline uses the cheaper steps separately:
 * `detect()` every frame, `locate()` (landmarks + quality, ~1 ms per face) to judge faces, and `describe()` only for
 * faces worth a descriptor. Per-stage times of the last call are kept in `lastTimings`.
 */
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import { createLogger } from '../util/log.js';
import { AgeGenderModel, type Gender } from './age-gender.js';
import { ageGenderTransform, chipGeometry, chipTransform, type RollPolicy } from './align.js';
import { UltraFaceDetector, type Detection, type DetectOptions } from './detector.js';
import { FaceEmbedder } from './embedder.js';
import { checkFrame, decodeImage, isRgbFrame, padFrame, rotateFrame, type DecodeOptions, type ImageInput } from './image.js';
import { LandmarkModel, rollAngle, type Point } from './landmarks.js';
import { loadModels, type ModelSet } from './model-registry.js';
import { measureQuality, SHARPNESS_CHIP } from './quality.js';
import type { FaceQuality } from '../frame/face.js';
import { applyAffine, type Affine } from './warp.js';

const log = createLogger('vision');

/** A detected face with its landmarks and quality, before the (costlier) descriptor. */
export interface LocatedFace {
  box: Box;
  score: number;
  /** 68 points, iBUG order, frame pixels. */
  landmarks: Point[];
  /** Eye-line roll in degrees (positive = clockwise on screen). */
  rollDegrees: number;
  quality: FaceQuality;
}

export interface FaceAnalysis extends LocatedFace {
  /** 128-D face-api descriptor; compare with similarity.ts (Euclidean). */
  embedding: Float32Array;
  age: number | null;
  gender: Gender | null;
}

export interface StageTimings {
  decodeMs: number;
  detectMs: number;
  landmarksMs: number;
  embedMs: number;
  ageGenderMs: number;
  totalMs: number;
}

export interface FaceEngineOptions {
  /** Already loaded models (the composition root shares one set); otherwise the engine loads its own. */
  models?: ModelSet;
  provider?: 'auto' | 'cpu' | 'cuda' | 'tensorrt';
  intraOpThreads?: number;
  modelsDir?: string;
  /** Detector score threshold (default 0.8). */
  detectionThreshold?: number;
  /** When the recognition chip is rotated upright (default: heads rolled 15° or more). */
  roll?: RollPolicy;
  /** Load and run the age/gender model (default true). */
  ageGender?: boolean;
  decode?: DecodeOptions;
}

export interface AnalyzeOptions extends DetectOptions {
  /** Estimate age and gender (default: whether the engine has the model). */
  ageGender?: boolean;
  /**
   * When nothing is found, look again: first with the image padded 30% per side with black (tight crops where the
   * face fills the frame are otherwise missed, models.md §2.2), then rotated ±30° (the detector misses heads
   * tilted ~45°). Default true; the camera pipeline calls detect() and never pays for this.
   */
  padRetry?: boolean;
}

/**
 * Level the chip for heads rolled 15° or more, but only on faces frontal enough (≥ 0.4) for the eye line to
 * measure roll: on turned faces the eye line tilts with yaw, and levelling them cost most of the Obama shot
 * (54/64 frames unrotated vs 23/64 always rotated), while rolled stills need it (±30°: 28/29 vs 10–12/29).
 */
export const DEFAULT_ROLL_POLICY: RollPolicy = { minDegrees: 15, minFrontal: 0.4 };
const PAD_FRACTION = 0.3;

export class FaceEngine {
  /** Times of the most recent completed call. */
  lastTimings: StageTimings = emptyTimings();

  private constructor(
    readonly models: ModelSet,
    private readonly ownsModels: boolean,
    readonly detector: UltraFaceDetector,
    private readonly landmarker: LandmarkModel,
    private readonly embedder: FaceEmbedder,
    private readonly ageGenderModel: AgeGenderModel | null,
    readonly roll: RollPolicy,
    private readonly decodeOptions: DecodeOptions,
  ) {}

  static async create(opts: FaceEngineOptions = {}): Promise<FaceEngine> {
    const withAgeGender = opts.ageGender ?? true;
    const models = opts.models ?? await loadModels({
      provider: opts.provider,
      intraOpThreads: opts.intraOpThreads,
      modelsDir: opts.modelsDir,
      ids: ['ultraface-rfb320', 'landmark68', 'faceapi-recognition', ...(withAgeGender ? ['faceapi-age-gender' as const] : [])],
    });
    const engine = new FaceEngine(
      models,
      !opts.models,
      new UltraFaceDetector(models.get('ultraface-rfb320').session, { threshold: opts.detectionThreshold }),
      new LandmarkModel(models.get('landmark68').session),
      new FaceEmbedder(models.get('faceapi-recognition').session),
      withAgeGender ? new AgeGenderModel(models.get('faceapi-age-gender').session) : null,
      opts.roll ?? DEFAULT_ROLL_POLICY,
      opts.decode ?? {},
    );
    log.info('face engine ready', { provider: models.provider, loadMs: Math.round(models.loadMs), ageGender: withAgeGender });
    return engine;
  }

  /** Every face in a photo (path or encoded buffer) or raw frame, fully described. Rejects with ImageDecodeError. */
  async analyze(input: ImageInput | RgbFrame, opts: AnalyzeOptions = {}): Promise<FaceAnalysis[]> {
    const t0 = performance.now();
    const frame = await this.toFrame(input);
    const decodeMs = performance.now() - t0;

    let view: View = { frame, toSource: null, dets: await this.detect(frame, opts) };
    for (const retry of opts.padRetry ?? true ? RETRY_VIEWS : []) {
      if (view.dets.length) break;
      const alt = retry(frame);
      view = { ...alt, dets: await this.detect(alt.frame, opts) };
    }
    const detectMs = performance.now() - t0 - decodeMs;
    const faces = await this.describe(view.frame, view.dets, opts);
    this.lastTimings = { ...this.lastTimings, decodeMs, detectMs, totalMs: performance.now() - t0 };
    const back = view.toSource;
    return back ? faces.map((f) => mapFace(f, back)) : faces;
  }

  /** Faces in a frame, best first (no landmarks or descriptors). */
  async detect(frame: RgbFrame, opts: DetectOptions = {}): Promise<Detection[]> {
    return this.detector.detect(frame, opts);
  }

  /** Landmarks, roll and quality for detections: cheap, lets a tracker decide who deserves a descriptor. */
  async locate(frame: RgbFrame, dets: Detection[]): Promise<LocatedFace[]> {
    const out: LocatedFace[] = [];
    for (const d of dets) {
      const landmarks = await this.landmarker.locate(frame, d.box);
      const geometry = chipGeometry(landmarks, this.roll);
      const quality = measureQuality(frame, d.box.width, landmarks, chipTransform(geometry, SHARPNESS_CHIP), d.score);
      out.push({ box: d.box, score: d.score, landmarks, rollDegrees: rollAngle(landmarks) * 180 / Math.PI, quality });
    }
    return out;
  }

  /** Descriptors (one batched run) and, optionally, age/gender for detections or already located faces. */
  async describe(frame: RgbFrame, faces: Array<Detection | LocatedFace>, opts: { ageGender?: boolean } = {}): Promise<FaceAnalysis[]> {
    const t0 = performance.now();
    const toLocate = faces.filter((f): f is Detection => !('landmarks' in f));
    const located = toLocate.length ? await this.locate(frame, toLocate) : [];
    let k = 0;
    const all = faces.map((f) => ('landmarks' in f ? f : located[k++]));
    const t1 = performance.now();

    const chipMaps = all.map((f) => chipTransform(chipGeometry(f.landmarks, this.roll)));
    const embeddings = await this.embedder.embed(frame, chipMaps);
    const t2 = performance.now();

    const wantAgeGender = (opts.ageGender ?? true) && this.ageGenderModel !== null;
    const ag = wantAgeGender ? await this.ageGenderModel!.estimate(frame, all.map((f) => ageGenderTransform(f.landmarks))) : [];
    const t3 = performance.now();

    this.lastTimings = { decodeMs: 0, detectMs: 0, landmarksMs: t1 - t0, embedMs: t2 - t1, ageGenderMs: t3 - t2, totalMs: t3 - t0 };
    return all.map((f, i) => ({
      ...f,
      embedding: embeddings[i],
      age: ag[i] ? ag[i].age : null,
      gender: ag[i] ? ag[i].gender : null,
    }));
  }

  /** Decode a photo or validate a raw frame (rejects with ImageDecodeError). */
  async toFrame(input: ImageInput | RgbFrame): Promise<RgbFrame> {
    const r = isRgbFrame(input) ? checkFrame(input) : await decodeImage(input, this.decodeOptions);
    if (!r.ok) throw r.error;
    return r.value;
  }

  /** Release the model sessions if this engine loaded them. */
  async release(): Promise<void> {
    if (this.ownsModels) await this.models.release();
  }
}

/** A face found on an altered view (padded, rotated), mapped back to the input frame's coordinates. */
function mapFace(f: FaceAnalysis, m: Affine): FaceAnalysis {
  const map = (x: number, y: number) => { const [sx, sy] = applyAffine(m, x, y); return { x: sx, y: sy }; };
  const { x, y, width: w, height: h } = f.box;
  const corners = [map(x, y), map(x + w, y), map(x, y + h), map(x + w, y + h)];
  const xs = corners.map((p) => p.x), ys = corners.map((p) => p.y);
  const landmarks = f.landmarks.map((p) => map(p.x, p.y));
  const box = { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
  return { ...f, box, landmarks, rollDegrees: rollAngle(landmarks) * 180 / Math.PI };
}

interface View { frame: RgbFrame; toSource: Affine | null; dets: Detection[] }

/** Alternative views of a still in which nothing was found, tried in order. */
const RETRY_VIEWS: Array<(f: RgbFrame) => { frame: RgbFrame; toSource: Affine }> = [
  (f) => {
    const pad = Math.round(PAD_FRACTION * Math.max(f.width, f.height));
    return { frame: padFrame(f, pad), toSource: { a: 1, b: 0, c: -pad, d: 0, e: 1, f: -pad } };
  },
  (f) => rotateFrame(f, 30),
  (f) => rotateFrame(f, -30),
];

function emptyTimings(): StageTimings {
  return { decodeMs: 0, detectMs: 0, landmarksMs: 0, embedMs: 0, ageGenderMs: 0, totalMs: 0 };
}
