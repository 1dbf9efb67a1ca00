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

/**
 * Uncertain track decisions wait here for a human (Frigate style): assign to a person (the approval
 * that lets a face join a staff member's gallery), "not this person" (remembered as a negative), or
 * dismiss. Bounded: when full, the oldest item (and its crop) makes room.
 */
export class ReviewQueue {
  constructor(
    private readonly store: IdentityStore,
    private readonly maxItems: number,
  ) {}

  list(): ReviewItem[] {
    return [...this.store.doc.review].map((r) => structuredClone(r) as ReviewItem).reverse();
  }

  get(id: string): ReviewItem | null {
    const r = this.store.doc.review.find((x) => x.id === id);
    return r ? (structuredClone(r) as ReviewItem) : null;
  }

  async enqueue(item: NewReviewItem): Promise<string> {
    const cropId = this.store.crops && item.crop ? ((await this.store.crops.saveUnlessPaused({ kind: 'unknown', personId: null, at: item.at }, item.crop))?.id ?? null) : null;
    let id = '';
    let dropped: ReviewItem[] = [];
    await this.store.updateDoc((d) => {
      d.counters.review++;
      id = formatId('R', d.counters.review);
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
    for (const r of dropped) if (r.cropId && this.store.crops) await this.store.crops.delete(r.cropId);
    return id;
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
