import type { CropSource } from '../store/index.js';
import { ok, type Result } from '../util/result.js';
import { notFound, type IdentityError } from './errors.js';
import type { IdentityStore } from './identity-store.js';
import { formatId, type ReviewItem, type ReviewReason } from './model.js';

export interface NewReviewItem {
  at: number;
  cameraId: string;
  trackId: string;
  reason: ReviewReason;
  candidates: Array<{ personId: string; distance: number }>;
  /** The track's best shots, best first. */
  vectors: Float32Array[];
  quality: number;
  crop?: CropSource;
}

/** How much of the queue one source may hold. */
export interface ReviewCaps {
  /** Items one track may hold (a track re-judged after a view change cannot add a second item). */
  perTrack: number;
  /**
   * Items suggesting one person. A looping camera showing the same look-alike filled the queue with dozens of
   * items about one person in minutes; past this, a new item only replaces that person's weakest one.
   */
  perPerson: number;
}
export const DEFAULT_REVIEW_CAPS: ReviewCaps = { perTrack: 1, perPerson: 20 };

/**
 * Uncertain track decisions wait here for a human (Frigate style): assign to a person (the approval
 * that lets a face join a staff member's gallery), "not this person" (remembered as a negative), or
 * dismiss. Bounded: when full, the oldest item (and its crop) makes room; one track, and one suggested
 * person, can only hold so many items (ReviewCaps): beyond that the better-quality item is kept.
 */
export class ReviewQueue {
  constructor(
    private readonly store: IdentityStore,
    private readonly maxItems: number,
    readonly caps: ReviewCaps = DEFAULT_REVIEW_CAPS,
  ) {}

  list(): ReviewItem[] {
    return [...this.store.doc.review].map((r) => structuredClone(r) as ReviewItem).reverse();
  }

  get(id: string): ReviewItem | null {
    const r = this.store.doc.review.find((x) => x.id === id);
    return r ? (structuredClone(r) as ReviewItem) : null;
  }

  /**
   * Adds an item, or returns null when a cap keeps it out (its source already holds better items). An item
   * past a cap replaces the weakest item of the same track or person.
   */
  async enqueue(item: NewReviewItem): Promise<string | null> {
    const rival = this.capRival(item);
    if (rival === 'refused') return null;
    const cropId = this.store.crops && item.crop ? (await this.store.crops.save({ kind: 'unknown', personId: null, at: item.at }, item.crop)).id : null;
    let id = '';
    let dropped: ReviewItem[] = [];
    await this.store.updateDoc((d) => {
      d.counters.review++;
      id = formatId('R', d.counters.review);
      if (rival) d.review = d.review.filter((r) => r.id !== rival.id);
      d.review.push({
        id,
        createdAt: item.at,
        cameraId: item.cameraId.slice(0, 64),
        trackId: item.trackId.slice(0, 128),
        cropId,
        reason: item.reason,
        candidates: item.candidates.slice(0, 2),
        vectors: item.vectors.slice(0, 5).map((v) => Array.from(v)),
        quality: item.quality,
      });
      dropped = d.review.length > this.maxItems ? d.review.splice(0, d.review.length - this.maxItems) : [];
    });
    if (rival) dropped.push(rival);
    for (const r of dropped) if (r.cropId && this.store.crops) await this.store.crops.delete(r.cropId);
    return id;
  }

  /** The item a capped source gives up for this one, 'refused' when this one is not better, null when under the caps. */
  private capRival(item: NewReviewItem): ReviewItem | 'refused' | null {
    const queue = this.store.doc.review;
    const sameTrack = queue.filter((r) => r.cameraId === item.cameraId.slice(0, 64) && r.trackId === item.trackId.slice(0, 128));
    const person = item.candidates[0]?.personId;
    const samePerson = person ? queue.filter((r) => r.candidates[0]?.personId === person) : [];
    const full = sameTrack.length >= this.caps.perTrack ? sameTrack : samePerson.length >= this.caps.perPerson ? samePerson : null;
    if (!full) return null;
    const weakest = full.reduce((a, b) => (b.quality < a.quality ? b : a));
    return weakest.quality < item.quality ? (structuredClone(weakest) as ReviewItem) : 'refused';
  }

  /** Removes an item from the queue and returns it (its crop is the caller's to move or delete). */
  async take(id: string): Promise<Result<ReviewItem, IdentityError>> {
    const item = this.get(id);
    if (!item) return notFound('review item', id);
    await this.store.updateDoc((d) => {
      d.review = d.review.filter((x) => x.id !== id);
    });
    return ok(item);
  }

  async deleteCrop(item: ReviewItem): Promise<void> {
    if (item.cropId && this.store.crops) await this.store.crops.delete(item.cropId);
  }

  /** Candidates named in review items stop being candidates when their person is forgotten or merged away. */
  async dropPerson(personId: string, replacement: string | null): Promise<void> {
    if (!this.store.doc.review.some((r) => r.candidates.some((c) => c.personId === personId))) return;
    await this.store.updateDoc((d) => {
      for (const r of d.review) {
        r.candidates = r.candidates
          .map((c) => (c.personId === personId && replacement ? { ...c, personId: replacement } : c))
          .filter((c) => c.personId !== personId);
      }
    });
  }
}
