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
  /**
   * A new-customer candidate whose track-averaged distance to the nearest STAFF member is at most this is
   * ambiguous with staff: a staff member's turning head lands here (Lin's first close-up faces on
   * hamilton.mp4: 0.63 from his photo), and so does a look-alike audience member (Obama: 0.65 from Lin).
   * Such a track is never minted a customer while it runs; it keeps collecting, and is judged on its
   * whole evidence when it ends. Lone faces in this band never wait to pair. Below the impostor mean
   * (0.84) and above the closest impostor pair (0.58) of models.md §3, so few strangers fall in it.
   */
  staffGuard: number;
  /**
   * A track matched to a CUSTOMER must be at least this much closer to that customer than to any staff
   * member (twice `margin`). Mistaking staff for a customer costs more than a missed match: customers learn
   * automatically, so the customer would learn the staff member's faces and claim their later tracks. On
   * hamilton.mp4, Alex's profile came 0.528 from an audience customer and 0.615 from his own photos.
   */
  staffMargin: number;
  /** Good shots an ended near-staff track needs before it may become a customer (more than the usual 2). */
  nearStaffShots: number;
}

export const defaultThresholds: IdentityThresholds = {
  assign: SAME_PERSON_MAX_DISTANCE - 0.03, // 0.55
  unknown: SAME_PERSON_MAX_DISTANCE + 0.04, // 0.62
  margin: 0.05,
  consistent: SAME_PERSON_MAX_DISTANCE - 0.03,
  staffGuard: SAME_PERSON_MAX_DISTANCE + 0.12, // 0.70
  staffMargin: 0.1,
  nearStaffShots: 4,
};

/** Confidence in [0, 1] for events (the engine's scale: 0.5 exactly at the pairwise threshold). */
export function confidenceOf(distance: number): number {
  return confidence(distance);
}
