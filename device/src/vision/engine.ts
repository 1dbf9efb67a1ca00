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
import { fivePointFit, LandmarkModel, rollAngle, type Point } from './landmarks.js';
import { loadModels, type ModelSet } from './model-registry.js';
import { measureQuality, SHARPNESS_CHIP } from './quality.js';
import type { FaceQuality } from '../frame/face.js';
import { applyAffine, rectToSize, rotateAbout, warpInto, type Affine } from './warp.js';

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
  /** When the recognition chip is rotated upright (default `DEFAULT_ROLL_POLICY`). */
  roll?: RollPolicy;
  /**
   * Landmarks of a head rolled at least this much (degrees) are measured again on a crop turned upright by the
   * first measurement's roll (default 20; Infinity: never).
   */
  uprightLandmarksDegrees?: number;
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
   * tilted ~45°), then ±60°. Default true; the camera pipeline calls detect() and never pays for this.
   */
  padRetry?: boolean;
}

/**
 * Level the chip for every head rolled 25° or more, whatever its frontal score, measuring the roll by the
 * five-point fit (eyes, nose, mouth corners) on landmarks taken upright (`uprightLandmarks`). The eye line alone
 * tilts with yaw on turned faces, which is why the old policy (eye line, ≥ 15°, only frontal ≥ 0.4) left turned
 * AND tilted heads unrotated: a staff member tilted 55–60° became a customer. From 15° to 25° only a face whose
 * five points fit a face's shape (misfit ≤ 0.23) is levelled: look-alikes rolled 20° were named as each other
 * with the plain chip, while Obama's laughing three-quarter face (15–21°, misfit 0.27–0.38) is known better
 * unrotated (docs/vision.md "Mild roll").
 */
export const DEFAULT_ROLL_POLICY: RollPolicy = { minDegrees: 25, estimate: 'five-point', fitted: { minDegrees: 15, maxMisfit: 0.23 } };
const PAD_FRACTION = 0.3;
export const DEFAULT_UPRIGHT_LANDMARKS_DEGREES = 25;
const PROBE_TURNS = [30, -30, 45, -45, 60, -60].map((d) => d * Math.PI / 180);
const AGREE = 12 * Math.PI / 180;
const CAMPS_APART = 40 * Math.PI / 180;
/** A view whose five-point misfit reaches this has no say in the roll vote (beyond a tie-break weight). */
const MISFIT_CAP = 0.4;
const MIN_VIEW_WEIGHT = 0.001;
/** How much better the detector must score a rival camp to overturn an upright winner (detector scores are 0..1). */
const UPRIGHT_CAMP_LEAD = 0.5;
const DEG = Math.PI / 180;

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
    private readonly uprightLandmarksDegrees: number,
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
      opts.uprightLandmarksDegrees ?? DEFAULT_UPRIGHT_LANDMARKS_DEGREES,
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
      const landmarks = await this.uprightLandmarks(frame, d.box);
      const geometry = chipGeometry(landmarks, this.roll);
      const quality = measureQuality(frame, d.box.width, landmarks, chipTransform(geometry, SHARPNESS_CHIP), d.score, geometry.levelled);
      out.push({ box: d.box, score: d.score, landmarks, rollDegrees: rollAngle(landmarks) * 180 / Math.PI, quality });
    }
    return out;
  }

  /**
   * The 68 points of a face, measured upright. The landmark model was trained on upright heads: on a head rolled
   * 60° its points (and the roll they give) can be anything, and it "sees" an upright face in almost any crop.
   * So the roll is voted on: the face is measured on crops turned 0°, ±30°, ±45°, ±60°, and the roll the views
   * agree on (within 12°) wins, each view's vote weighted by how well its points fit a face's five-point shape
   * (`rollCandidates`). A head rolled at least `uprightLandmarksDegrees` is then measured once more on a crop
   * turned by that roll; a more upright head keeps its plain points (upright faces are not changed at all).
   */
  private async uprightLandmarks(frame: RgbFrame, box: Box): Promise<Point[]> {
    if (this.uprightLandmarksDegrees === Infinity) return this.landmarker.locate(frame, box);
    const [plain, ...turned] = await this.landmarker.locateViews(frame, box, [0, ...PROBE_TURNS]);
    const [first, second] = rollCandidates([plain, ...turned].map(fivePointFit));
    let roll = first;
    // A head rolled far one way can also "look upright" to the landmark model in crops turned the other way, and
    // those views agree with each other too. When two such camps disagree, the detector decides: it scores an
    // upright face high and a face turned 60° or more the wrong way low. Also when the winning camp says
    // "upright" (a head rolled 60° is sometimes "seen" upright by the plain view and the views turned away from
    // it), but then only when the detector clearly finds no face upright: it finds heads rolled up to about 30°
    // well, so two camps near upright score alike and the upright one must stay.
    if (second !== undefined && Math.abs(second - first) > CAMPS_APART) {
      const a = await this.uprightFaceScore(frame, box, first);
      const b = await this.uprightFaceScore(frame, box, second);
      const upright = Math.abs(first) < this.uprightLandmarksDegrees * DEG;
      if (b > a + (upright ? UPRIGHT_CAMP_LEAD : 0)) roll = second;
    }
    return Math.abs(roll) >= this.uprightLandmarksDegrees * DEG ? this.landmarker.locate(frame, box, roll) : plain;
  }

  /** The detector's best score for the face's neighbourhood turned upright by `roll`. */
  private async uprightFaceScore(frame: RgbFrame, box: Box, roll: number): Promise<number> {
    const size = 160;
    const side = Math.max(box.width, box.height) * 1.6;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const m = rotateAbout(rectToSize(cx - side / 2, cy - side / 2, side, side, size, size), roll, cx, cy);
    const rgb = new Float32Array(size * size * 3);
    warpInto(frame, m, size, size, rgb, 0, { layout: 'nhwc', border: 'zero' });
    const patch: RgbFrame = { data: Uint8Array.from(rgb, (v) => Math.max(0, Math.min(255, Math.round(v)))), width: size, height: size, stride: size * 3 };
    const found = await this.detector.detect(patch, { threshold: 0.3 });
    return found.reduce((best, d) => Math.max(best, d.score), 0);
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
  // heads tilted 60° and more (issue 13): the detector wants them within about 30° of upright
  (f) => rotateFrame(f, 60),
  (f) => rotateFrame(f, -60),
];

/** One view's five-point fit: the roll its points give, and how far they are from a face's shape (0 = exact). */
export interface RollView { roll: number; misfit: number }

/** The roll most views agree on (see `rollCandidates`). */
export function consensusRoll(views: RollView[]): number {
  return rollCandidates(views)[0];
}

/**
 * The rolls the views vote for, best first: each view's group (the views within AGREE of it), by weight, then the
 * most upright; a group of two or more views far (CAMPS_APART) from the winner comes second. A view weighs
 * MISFIT_CAP − its misfit: the landmark model draws a face's shape well on a crop where the head is near upright,
 * and a distorted one where it is not. Counting views alone picked the wrong camp on 5 of 406 turned photos
 * (bench:faces `robustness`, e.g. raj/1 turned −60°: four views at 16–27° with misfits 0.19–0.26 outvoted three
 * at −59° with misfits 0.04–0.09); weighted, with the detector deciding between camps, 1.
 */
export function rollCandidates(views: RollView[]): number[] {
  const mean = (xs: RollView[]) => xs.reduce((a, v) => a + v.roll, 0) / xs.length;
  const weight = (xs: RollView[]) => xs.reduce((a, v) => a + Math.max(MIN_VIEW_WEIGHT, MISFIT_CAP - v.misfit), 0);
  const groups = views
    .map((r) => views.filter((o) => Math.abs(o.roll - r.roll) <= AGREE))
    .map((g) => ({ roll: mean(g), weight: weight(g), size: g.length }))
    .sort((a, b) => b.weight - a.weight || Math.abs(a.roll) - Math.abs(b.roll));
  const first = groups[0].roll;
  const rival = groups.find((g) => g.size >= 2 && Math.abs(g.roll - first) > CAMPS_APART);
  return rival ? [first, rival.roll] : [first];
}

function emptyTimings(): StageTimings {
  return { decodeMs: 0, detectMs: 0, landmarksMs: 0, embedMs: 0, ageGenderMs: 0, totalMs: 0 };
}
