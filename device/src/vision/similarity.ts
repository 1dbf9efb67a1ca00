/**
 * The one place where face descriptors are compared and where thresholds get their meaning.
 *
 * The embedder is face-api's 128-D ResNet (dlib-style). Its descriptors are compared by **Euclidean distance**
 * (not normalised): smaller is more alike. Measured on the shared photos (models.md §3): genuine pairs reached up to
 * 0.58–0.61, impostors came as close as 0.57–0.60, EER ≈ 0.03–0.1%; the operating threshold is 0.58 (face-api's
 * customary 0.6 is slightly looser). Thresholds were tuned on a small set: re-derive them on a site's own data.
 *
 * Errors between look-alikes sit a few thousandths inside the threshold, so a decision also asks for a margin over
 * the runner-up person; two faces seen in the same frame are always different people (use that in tracking).
 */

/** Same person when the Euclidean distance is at most this. */
export const SAME_PERSON_MAX_DISTANCE = 0.58;
/** The best person must beat the runner-up person by at least this distance to be named. */
export const DEFAULT_DECISION_MARGIN = 0.02;

export function euclidean(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

export function isSamePerson(distance: number, threshold = SAME_PERSON_MAX_DISTANCE): boolean {
  return distance <= threshold;
}

/**
 * Confidence in [0, 1] for a distance: 1 − distance / (2·threshold), clipped. 1 = identical, 0.5 = exactly at the
 * threshold, 0 = twice the threshold or more (contracts call this "1 − normalised distance").
 */
export function confidence(distance: number, threshold = SAME_PERSON_MAX_DISTANCE): number {
  return Math.min(1, Math.max(0, 1 - distance / (2 * threshold)));
}

export interface Candidate<L> {
  label: L;
  distance: number;
}

export type Decision<L> =
  | { kind: 'match'; label: L; distance: number; runnerUp: Candidate<L> | null }
  /** nobody within the threshold */
  | { kind: 'unknown'; best: Candidate<L> | null }
  /** within the threshold, but the runner-up person is too close to tell them apart */
  | { kind: 'ambiguous'; best: Candidate<L>; runnerUp: Candidate<L> };

export interface DecisionRule {
  threshold?: number;
  margin?: number;
}

/** Decide who a face is from each known person's best (smallest) distance. */
export function decide<L>(perPerson: Candidate<L>[], rule: DecisionRule = {}): Decision<L> {
  const threshold = rule.threshold ?? SAME_PERSON_MAX_DISTANCE;
  const margin = rule.margin ?? DEFAULT_DECISION_MARGIN;
  const ranked = [...perPerson].sort((a, b) => a.distance - b.distance);
  const best = ranked[0] ?? null;
  const runnerUp = ranked[1] ?? null;
  if (!best || best.distance > threshold) return { kind: 'unknown', best };
  if (runnerUp && runnerUp.distance - best.distance < margin) return { kind: 'ambiguous', best, runnerUp };
  return { kind: 'match', label: best.label, distance: best.distance, runnerUp };
}
