/**
 * Track-level identity thresholds, built on the face engine's pairwise rule (vision/similarity.ts:
 * Euclidean distance on the 128-D face-api descriptors, same person at <= SAME_PERSON_MAX_DISTANCE).
 *
 * A track decision averages several faces, so its distance is steadier than one pair's. We still keep a
 * grey zone between `assign` and `unknown` that goes to the review queue instead of being guessed, and
 * require a margin over the runner-up PERSON, because look-alikes fail "a few thousandths inside the
 * threshold" (models.md, lessons from other footage).
 */
import { SAME_PERSON_MAX_DISTANCE, confidence, euclidean } from '../vision/similarity.js';

export { euclidean };

export interface IdentityThresholds {
  /** Track-averaged distance at or below which a known person is assigned (given the margin holds). */
  assign: number;
  /** Track-averaged distance above which the face is nobody we know (a new customer candidate). */
  unknown: number;
  /** The runner-up person must be at least this much farther than the best one. */
  margin: number;
  /** Samples of one new person must be at least this close to their medoid to count as "consistent". */
  consistent: number;
}

export const defaultThresholds: IdentityThresholds = {
  assign: SAME_PERSON_MAX_DISTANCE - 0.03, // 0.55
  unknown: SAME_PERSON_MAX_DISTANCE + 0.04, // 0.62
  margin: 0.05,
  consistent: SAME_PERSON_MAX_DISTANCE - 0.03,
};

/** Descriptor length of the face-api ResNet embedder. */
export const EMBEDDING_DIM = 128;

/** Confidence in [0, 1] for events (the engine's scale: 0.5 exactly at the pairwise threshold). */
export function confidenceOf(distance: number): number {
  return confidence(distance);
}
