/**
 * Face alignment: where on the frame each model's input square comes from.
 *
 * - The recognition chip is face-api's "dlib alignment" (models.md §7.5): from the eye and mouth centres,
 *   size = ⌊mean(|mouth−le|, |mouth−re|) / 0.45⌋, centred so their mean sits at (0.5, 0.43) of the square, sampled
 *   with zero padding outside the image (face-api clips at the border instead, which hurt tight crops).
 * - Heads tilted in the image plane break that upright square (models.md "Lessons": 2–5 of 70 frames named at
 *   40–60° roll). The same square can be rotated about its reference point so the eye line becomes level; sizes
 *   and distances are rotation-invariant, so upright faces get exactly the plain chip. `RollPolicy` says when.
 * - The age/gender crop (§7.6) is the 68-point bounding box grown 10% per side, squared about its centre.
 */
import type { RgbFrame } from '../frame/frame.js';
import { eyesAndMouth, fivePointFit, rollAngle, type Point } from './landmarks.js';
import { frontalScore } from './quality.js';
import { applyAffine, invertAffine, rectToSize, rotateAbout, warpInto, type Affine } from './warp.js';

export const CHIP_SIZE = 150;
export const AGE_GENDER_SIZE = 112;

/**
 * When to rotate the chip upright: never (face-api's own chip), always, or only when the roll exceeds the given
 * number of degrees (upright faces keep the plain chip, tilted heads are levelled), optionally also from a milder
 * roll when the face's five points fit a face's shape (`FittedRoll`).
 */
export type RollPolicy = 'never' | 'always' | { minDegrees: number; minFrontal?: number; estimate?: RollEstimate; fitted?: FittedRoll } | { deadbandDegrees: number };

/**
 * A milder roll levelled only when the five-point fit is good (misfit at most `maxMisfit`): then its rotation is
 * the head's roll in the picture. A three-quarter or laughing face fits the frontal template badly, and the
 * "roll" its points give is partly yaw and pitch (Obama in `hamilton.mp4`: 15–21° at misfit 0.27–0.38, and the
 * embedder knows him better unrotated). Such a levelling does not mark the face `levelled` (see ChipGeometry).
 */
export interface FittedRoll { minDegrees: number; maxMisfit: number }

/** How the roll is measured: the eye line, or the five-point similarity fit (eyes, nose, mouth corners). */
export type RollEstimate = 'eye-line' | 'five-point';

/** The roll of a face under a policy's estimate (radians, positive = clockwise on screen). */
export function rollOf(landmarks: Point[], policy: RollPolicy): number {
  return usesFivePoint(policy) ? fivePointFit(landmarks).roll : rollAngle(landmarks);
}

const usesFivePoint = (policy: RollPolicy) => typeof policy === 'object' && 'estimate' in policy && policy.estimate === 'five-point';

/** The chip square in frame coordinates before any rotation, with the roll it would be rotated by. */
export interface ChipGeometry {
  /** Reference point: mean of both eye centres and the mouth centre. */
  ref: Point;
  size: number;
  /** Eye-line angle in radians (positive = clockwise on screen). */
  roll: number;
  /** The roll actually applied under the policy (0 when the chip stays upright). */
  applied: number;
  /**
   * Turned upright by the policy's main rule (a head rolled `minDegrees` or more; any turn under 'always' or a
   * deadband): `FaceQuality.levelled`, such a face never mints a customer. A milder roll levelled by the `fitted`
   * rule is not: those chips land NEARER the person's own photos than the plain chip (docs/vision.md "Roll").
   */
  levelled: boolean;
}

export function chipGeometry(landmarks: Point[], policy: RollPolicy): ChipGeometry {
  const { leftEye, rightEye, mouth } = eyesAndMouth(landmarks);
  const size = Math.floor((Math.hypot(mouth.x - leftEye.x, mouth.y - leftEye.y) + Math.hypot(mouth.x - rightEye.x, mouth.y - rightEye.y)) / 2 / 0.45);
  const ref = { x: (leftEye.x + rightEye.x + mouth.x) / 3, y: (leftEye.y + rightEye.y + mouth.y) / 3 };
  const fit = fivePointFit(landmarks);
  const roll = usesFivePoint(policy) ? fit.roll : rollAngle(landmarks);
  const { applied, levelled } = appliedRoll(roll, { frontal: frontalScore(landmarks), misfit: fit.misfit }, policy);
  return { ref, size: Math.max(1, size), roll, applied, levelled };
}

/** The rotation a policy applies for a measured roll (radians), and whether its main rule applied it. */
export function appliedRoll(roll: number, face: { frontal: number; misfit: number }, policy: RollPolicy): { applied: number; levelled: boolean } {
  const none = { applied: 0, levelled: false };
  if (policy === 'never') return none;
  if (policy === 'always') return { applied: roll, levelled: roll !== 0 };
  const deg = Math.abs(roll) * 180 / Math.PI;
  if ('minDegrees' in policy) {
    if (deg >= policy.minDegrees && face.frontal >= (policy.minFrontal ?? 0)) return { applied: roll, levelled: true };
    const fitted = policy.fitted;
    return fitted && deg >= fitted.minDegrees && face.misfit <= fitted.maxMisfit ? { applied: roll, levelled: false } : none;
  }
  // deadband: level the head only down to ±deadband; small residual tilts are what the upright chip is used to
  const applied = Math.sign(roll) * Math.max(0, deg - policy.deadbandDegrees) * Math.PI / 180;
  return { applied, levelled: applied !== 0 };
}

/** Affine map from chip pixels (0..149) to frame coordinates. */
export function chipTransform(g: ChipGeometry, out = CHIP_SIZE): Affine {
  const m = rectToSize(g.ref.x - 0.5 * g.size, g.ref.y - 0.43 * g.size, g.size, g.size, out, out);
  // rotate the sampled square about the reference point by the roll
  return rotateAbout(m, g.applied, g.ref.x, g.ref.y);
}

/** Write the 150×150 RGB chip (NHWC, 0–255, as the recognition graph wants) into `out` at `offset`. */
export function extractChip(frame: RgbFrame, m: Affine, out: Float32Array, offset: number): void {
  warpInto(frame, m, CHIP_SIZE, CHIP_SIZE, out, offset, { layout: 'nhwc', border: 'zero' });
}

/** The age/gender square: 68-point bounding box grown 20%, made square about its centre. */
export function ageGenderTransform(landmarks: Point[]): Affine {
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const p of landmarks) {
    if (p.x < x1) x1 = p.x; if (p.x > x2) x2 = p.x;
    if (p.y < y1) y1 = p.y; if (p.y > y2) y2 = p.y;
  }
  const side = Math.max(x2 - x1, y2 - y1) * 1.2;
  const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
  return rectToSize(cx - side / 2, cy - side / 2, side, side, AGE_GENDER_SIZE, AGE_GENDER_SIZE);
}

export function extractAgeGenderCrop(frame: RgbFrame, m: Affine, out: Float32Array, offset: number): void {
  warpInto(frame, m, AGE_GENDER_SIZE, AGE_GENDER_SIZE, out, offset, { layout: 'nhwc', border: 'zero' });
}

/** Where a frame point lands on the chip (for geometry checks and drawing). */
export function frameToChip(m: Affine, p: Point): Point {
  const [x, y] = applyAffine(invertAffine(m), p.x, p.y);
  return { x, y };
}
