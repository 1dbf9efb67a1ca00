import type { ReviewGroup, ReviewPerson } from '../contracts/review-groups.js';
import { confidence, euclidean, SAME_PERSON_MAX_DISTANCE } from '../vision/similarity.js';
import type { ReviewItem } from './model.js';

/** Looks a person up for a group's header (null when the person is gone). */
export type PersonLookup = (personId: string) => ReviewPerson | null;

const iso = (t: number) => new Date(t).toISOString();

/** The mean of an item's shot vectors: one point per item for grouping unknown faces. */
function centre(item: ReviewItem): Float32Array {
  const c = new Float32Array(item.vectors[0].length);
  for (const v of item.vectors) for (let i = 0; i < c.length; i++) c[i] += v[i] / item.vectors.length;
  return c;
}

/**
 * Groups review items so a person can act on many at once:
 * - items whose best candidate is the same person form one `suggested` group (closest first);
 * - items with no candidate left are grouped by face similarity: an item joins the first group whose first item
 *   is within the same-person distance of it (items in one group look like one person), else starts one.
 * Groups come largest first, then most recent.
 */
export function groupReviewItems(items: readonly ReviewItem[], lookup: PersonLookup): ReviewGroup[] {
  const byPerson = new Map<string, ReviewItem[]>();
  const unknown: Array<{ seed: Float32Array; items: ReviewItem[] }> = [];
  for (const item of [...items].sort((a, b) => a.createdAt - b.createdAt)) {
    const best = item.candidates[0];
    if (best && lookup(best.personId)) {
      const list = byPerson.get(best.personId) ?? [];
      list.push(item);
      byPerson.set(best.personId, list);
      continue;
    }
    const c = centre(item);
    const home = unknown.find((g) => euclidean(g.seed, c) <= SAME_PERSON_MAX_DISTANCE);
    if (home) home.items.push(item);
    else unknown.push({ seed: c, items: [item] });
  }

  const groups: ReviewGroup[] = [];
  for (const [personId, list] of byPerson) {
    const sorted = [...list].sort((a, b) => a.candidates[0].distance - b.candidates[0].distance);
    const best = sorted[0].candidates[0].distance;
    const runnerUpId = mostCommon(list.map((i) => i.candidates[1]?.personId).filter((x): x is string => Boolean(x) && x !== personId));
    groups.push({
      key: `P:${personId}`,
      kind: 'suggested',
      person: lookup(personId),
      score: round(confidence(best)),
      bestDistance: best,
      runnerUp: runnerUpId ? lookup(runnerUpId) : null,
      firstAt: iso(Math.min(...list.map((i) => i.createdAt))),
      lastAt: iso(Math.max(...list.map((i) => i.createdAt))),
      items: sorted.map((i) => itemView(i, i.candidates[0].distance)),
    });
  }
  for (const g of unknown) {
    // Most typical first: nearest to the group's seed face.
    const sorted = [...g.items].sort((a, b) => euclidean(g.seed, centre(a)) - euclidean(g.seed, centre(b)));
    groups.push({
      key: `U:${g.items[0].id}`,
      kind: 'unknown',
      person: null,
      score: null,
      bestDistance: null,
      runnerUp: null,
      firstAt: iso(Math.min(...g.items.map((i) => i.createdAt))),
      lastAt: iso(Math.max(...g.items.map((i) => i.createdAt))),
      items: sorted.map((i) => itemView(i, null)),
    });
  }
  return groups.sort((a, b) => b.items.length - a.items.length || b.lastAt.localeCompare(a.lastAt));
}

function itemView(i: ReviewItem, distance: number | null): ReviewGroup['items'][number] {
  return { id: i.id, createdAt: iso(i.createdAt), cameraId: i.cameraId, trackId: i.trackId, cropId: i.cropId, reason: i.reason, distance };
}

function mostCommon(xs: string[]): string | null {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  let best: string | null = null;
  for (const [x, c] of n) if (best === null || c > n.get(best)!) best = x;
  return best;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
