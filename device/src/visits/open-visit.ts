import type { Demographics, Visit } from '../contracts/visit.js';
import type { Sighting } from './sighting.js';
import { median, roundTo } from '../util/stats.js';
import { trackGender } from '../tracking/track.js';

/**
 * One visit in progress: the latest Visit value plus what it is derived from (every age estimate,
 * gender votes, the best crop's quality) and what has been published so far.
 */
export class OpenVisit {
  private readonly ages: number[] = [];
  private readonly genderVotes: { value: 'male' | 'female'; confidence: number }[] = [];
  private samples = 0;
  bestQuality = -1;
  /** The version last persisted and announced (the `before` of the next event). */
  published: Visit;
  lastPublishedAt: number;
  /** Crops replaced by a better one; deleted once a visit naming the new crop is durable. */
  staleCrops: string[] = [];

  constructor(
    public current: Visit,
    publishedAt: number,
  ) {
    this.published = current;
    this.lastPublishedAt = publishedAt;
    // Resumed after a restart: the raw samples are gone, keep the stored figures as one sample each.
    const d = current.demographics;
    if (d.samples > 0) {
      if (d.ageMedian !== null) this.ages.push(d.ageMedian);
      if (d.gender) {
        this.genderVotes.push({ value: d.gender, confidence: d.genderConfidence ?? 1 });
      }
      this.samples = d.samples;
    }
  }

  /** The person was forgotten: this visit now names the tombstone and no crop. */
  rename(tombstone: string): void {
    this.current = { ...this.current, personId: tombstone, bestCropId: null };
    this.published = { ...this.published, personId: tombstone, bestCropId: null };
    this.staleCrops = [];
  }

  get personId(): string {
    return this.current.personId;
  }

  get lastSeenMs(): number {
    return Date.parse(this.current.lastSeenAt);
  }

  get dirty(): boolean {
    return this.current !== this.published;
  }

  /**
   * Fold one sighting into the visit (pure bookkeeping; no I/O). A sighting older than the arrival moves the
   * arrival back to it (the visit arrived when any of its tracks was first seen, a body before its face), but
   * never before `arrivalFloor`; without a floor (the sighting is not this visit's) it only counts as a detection.
   */
  add(s: Sighting, arrivalFloor?: number): void {
    if (s.age !== null) this.ages.push(s.age);
    if (s.gender !== null) {
      this.genderVotes.push({ value: s.gender, confidence: s.genderConfidence ?? 1 });
    }
    if (s.age !== null || s.gender !== null) this.samples++;
    const v = this.current;
    const arrived = Date.parse(v.arrivedAt);
    const arrival = arrivalFloor !== undefined && s.at < arrived ? Math.min(arrived, Math.max(s.at, arrivalFloor)) : arrived;
    const lastSeen = Math.max(this.lastSeenMs, s.at);
    this.current = {
      ...v,
      arrivedAt: arrival === arrived ? v.arrivedAt : new Date(arrival).toISOString(),
      lastSeenAt: new Date(lastSeen).toISOString(),
      dwellSeconds: Math.max(0, (lastSeen - arrival) / 1000),
      cameras: v.cameras.includes(s.cameraId) ? v.cameras : [...v.cameras, s.cameraId].slice(0, 64),
      detections: v.detections + 1,
      demographics: this.demographics(),
    };
  }

  setBestCrop(cropId: string, quality: number): void {
    if (this.current.bestCropId) this.staleCrops.push(this.current.bestCropId);
    this.bestQuality = quality;
    this.current = { ...this.current, bestCropId: cropId };
  }

  close(): Visit {
    const v = this.current;
    this.current = { ...v, status: 'closed', departedAt: v.lastSeenAt };
    return this.current;
  }

  private demographics(): Demographics {
    // Each sighting with demographics is one track's decision; the visit decides over them the same way.
    const { gender, genderConfidence } = trackGender(this.genderVotes);
    return { ageMedian: medianToTenth(this.ages), gender, genderConfidence, samples: this.samples };
  }
}

/** The median to one decimal, as visits and reports show ages and dwell; null when there are none. */
export function medianToTenth(xs: readonly number[]): number | null {
  const m = median(xs);
  return m === null ? null : roundTo(m, 1);
}
