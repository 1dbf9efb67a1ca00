import { SAME_PERSON_MAX_DISTANCE } from '../vision/similarity.js';
import type { Gallery } from './gallery.js';
import { euclidean, type IdentityThresholds } from './thresholds.js';

/** One good face of a track as identity sees it. */
export interface EvidenceShot {
  embedding: Float32Array;
  /** Detection score × size factor (tracking/quality-gate.ts). */
  weight: number;
}

/** How well a track matches one person, over all its shots. */
export interface PersonEvidence {
  personId: string;
  /** Weighted mean over shots of the closest-exemplar distance. */
  distance: number;
  /** Shots that on their own are within the pairwise same-person threshold. */
  agreeing: number;
}

/**
 * Scores a track against the gallery. Candidates are the best two persons of every shot; each is then
 * measured against EVERY shot, so a person who is close in one lucky frame but far in the others ends up
 * far. Persons in `exclude` (held by a face in the same frame) are never candidates. A candidate whose
 * "not this person" samples are closer to the shots than the person's own exemplars is dropped.
 */
export function gatherEvidence(
  gallery: Gallery,
  shots: readonly EvidenceShot[],
  exclude: ReadonlySet<string>,
  negativesOf: (personId: string) => readonly Float32Array[],
): PersonEvidence[] {
  const candidates = new Set<string>();
  for (const s of shots) {
    const r = gallery.search(s.embedding, exclude);
    if (r.best) candidates.add(r.best.personId);
    if (r.runnerUp) candidates.add(r.runnerUp.personId);
  }
  const totalWeight = shots.reduce((n, s) => n + s.weight, 0) || 1;
  const out: PersonEvidence[] = [];
  for (const personId of candidates) {
    const e = personEvidence(gallery, shots, personId);
    if (!refuted(shots, e, negativesOf(personId), totalWeight)) out.push(e);
  }
  return out.sort((a, b) => a.distance - b.distance);
}

/** A human said "not this person" of faces like these: the track is nearer those negatives than the person's exemplars. */
function refuted(shots: readonly EvidenceShot[], e: PersonEvidence, negatives: readonly Float32Array[], totalWeight: number): boolean {
  if (!negatives.length) return false;
  const neg = shots.reduce((n, s) => n + s.weight * nearestNegative(s.embedding, negatives), 0) / totalWeight;
  return neg <= e.distance;
}

export function nearestNegative(embedding: Float32Array, negatives: readonly Float32Array[]): number {
  return Math.min(...negatives.map((v) => euclidean(embedding, v)));
}

/** A track's weighted mean closest-exemplar distance to one person, and how many shots agree on their own. */
export function personEvidence(gallery: Gallery, shots: readonly EvidenceShot[], personId: string): PersonEvidence {
  const totalWeight = shots.reduce((n, s) => n + s.weight, 0) || 1;
  const distances = gallery.distancesToPerson(shots.map((s) => s.embedding), personId);
  let sum = 0;
  let agreeing = 0;
  shots.forEach((s, i) => {
    sum += s.weight * distances[i];
    if (distances[i] <= SAME_PERSON_MAX_DISTANCE) agreeing++;
  });
  return { personId, distance: sum / totalWeight, agreeing };
}

/**
 * The staff member nearest to a track (measured against every staff member, not only the search's top two,
 * so a crowd of customers cannot hide a staff look-alike), or null when there is no staff.
 */
export function nearestOf(
  gallery: Gallery,
  shots: readonly EvidenceShot[],
  personIds: Iterable<string>,
  negativesOf: (personId: string) => readonly Float32Array[] = () => [],
): PersonEvidence | null {
  const totalWeight = shots.reduce((n, s) => n + s.weight, 0) || 1;
  let best: PersonEvidence | null = null;
  for (const id of personIds) {
    const e = personEvidence(gallery, shots, id);
    if (refuted(shots, e, negativesOf(id), totalWeight)) continue;
    if (!best || e.distance < best.distance) best = e;
  }
  return best;
}

export type Verdict =
  | { kind: 'match'; best: PersonEvidence; runnerUp: PersonEvidence | null }
  /** Close to someone, but not close enough or not clearly apart from the runner-up: ask a human. */
  | { kind: 'uncertain'; reason: 'grey-zone' | 'small-margin'; best: PersonEvidence; runnerUp: PersonEvidence | null }
  /** Nobody we know. */
  | { kind: 'unknown'; best: PersonEvidence | null; runnerUp: PersonEvidence | null };

/**
 * The decision rule over a track's evidence:
 * - best farther than `unknown` (or no candidate) → unknown;
 * - best within `assign`, at least `minAgreeing` shots individually within the pairwise threshold, and
 *   the runner-up person at least `margin` farther → match;
 * - anything else is uncertain (grey zone or small margin).
 */
export function judge(evidence: readonly PersonEvidence[], t: IdentityThresholds, minAgreeing: number): Verdict {
  const best = evidence[0] ?? null;
  const runnerUp = evidence[1] ?? null;
  if (!best || best.distance > t.unknown) return { kind: 'unknown', best, runnerUp };
  if (runnerUp && runnerUp.distance - best.distance < t.margin) return { kind: 'uncertain', reason: 'small-margin', best, runnerUp };
  if (best.distance <= t.assign && best.agreeing >= minAgreeing) return { kind: 'match', best, runnerUp };
  return { kind: 'uncertain', reason: 'grey-zone', best, runnerUp };
}
