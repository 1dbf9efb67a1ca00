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
import { eyesAndMouth, rollAngle, type Point } from './landmarks.js';
import { frontalScore } from './quality.js';
import { applyAffine, invertAffine, rectToSize, warpInto, type Affine } from './warp.js';

export const CHIP_SIZE = 150;
export const AGE_GENDER_SIZE = 112;

/**
 * When to rotate the chip upright: never (face-api's own chip), always, or only when the roll exceeds the given
 * number of degrees (upright faces keep the plain chip, tilted heads are levelled).
 */
export type RollPolicy = 'never' | 'always' | { minDegrees: number; minFrontal?: number } | { deadbandDegrees: number };

/** The chip square in frame coordinates before any rotation, with the roll it would be rotated by. */
export interface ChipGeometry {
  /** Reference point: mean of both eye centres and the mouth centre. */
  ref: Point;
  size: number;
  /** Eye-line angle in radians (positive = clockwise on screen). */
  roll: number;
  /** The roll actually applied under the policy (0 when the chip stays upright). */
  applied: number;
}

export function chipGeometry(landmarks: Point[], policy: RollPolicy): ChipGeometry {
  const { leftEye, rightEye, mouth } = eyesAndMouth(landmarks);
  const size = Math.floor((Math.hypot(mouth.x - leftEye.x, mouth.y - leftEye.y) + Math.hypot(mouth.x - rightEye.x, mouth.y - rightEye.y)) / 2 / 0.45);
  const ref = { x: (leftEye.x + rightEye.x + mouth.x) / 3, y: (leftEye.y + rightEye.y + mouth.y) / 3 };
  const roll = rollAngle(landmarks);
  return { ref, size: Math.max(1, size), roll, applied: appliedRoll(roll, frontalScore(landmarks), policy) };
}

/** The rotation a policy applies for a measured roll (radians). */
export function appliedRoll(roll: number, frontal: number, policy: RollPolicy): number {
  if (policy === 'never') return 0;
  if (policy === 'always') return roll;
  const deg = Math.abs(roll) * 180 / Math.PI;
  if ('minDegrees' in policy) return deg >= policy.minDegrees && frontal >= (policy.minFrontal ?? 0) ? roll : 0;
  // deadband: level the head only down to ±deadband; small residual tilts are what the upright chip is used to
  return Math.sign(roll) * Math.max(0, deg - policy.deadbandDegrees) * Math.PI / 180;
}

/** Affine map from chip pixels (0..149) to frame coordinates. */
export function chipTransform(g: ChipGeometry, out = CHIP_SIZE): Affine {
  const m = rectToSize(g.ref.x - 0.5 * g.size, g.ref.y - 0.43 * g.size, g.size, g.size, out, out);
  if (g.applied === 0) return m;
  // rotate the sampled square about the reference point by the eye-line angle
  const cos = Math.cos(g.applied), sin = Math.sin(g.applied);
  const { x: rx, y: ry } = g.ref;
  return {
    a: cos * m.a - sin * m.d, b: cos * m.b - sin * m.e, c: rx + cos * (m.c - rx) - sin * (m.f - ry),
    d: sin * m.a + cos * m.d, e: sin * m.b + cos * m.e, f: ry + sin * (m.c - rx) + cos * (m.f - ry),
  };
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
