/**
 * Identity decision thresholds for the 128-D face-api descriptors (Euclidean distance).
 *
 * Measured in /work/shared/models.md §3 / §7.5: same person when the distance is <= ~0.58
 * (genuine worst 0.582, impostor closest 0.577, genuine mean 0.43, impostor mean 0.84).
 * A track decision averages several faces, so its distance is less noisy than one pair's; we still
 * keep a grey zone between `assign` and `unknown` that goes to the review queue, and require a
 * margin over the runner-up person because look-alikes fail "a few thousandths inside the threshold".
 */
export interface IdentityThresholds {
  /** Track-averaged distance at or below which a known person is assigned (given the margin holds). */
  assign: number;
  /** Track-averaged distance above which the face is nobody we know (a new customer candidate). */
  unknown: number;
  /** The runner-up person must be at least this much farther than the best one. */
  margin: number;
  /** Two samples of one new person must be at least this close to count as "consistent". */
  consistent: number;
}

export const defaultThresholds: IdentityThresholds = {
  assign: 0.55,
  unknown: 0.62,
  margin: 0.05,
  consistent: 0.55,
};

/** Descriptor length of the face-api ResNet embedder. */
export const EMBEDDING_DIM = 128;

/** Euclidean distance between two descriptors of equal length. */
export function euclidean(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Confidence in [0, 1] for events: 1 at distance 0, 0 at the unknown threshold and beyond. */
export function confidenceOf(distance: number, t: IdentityThresholds = defaultThresholds): number {
  return Math.max(0, Math.min(1, 1 - distance / t.unknown));
}
