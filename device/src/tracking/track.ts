import type { Box } from '../contracts/live.js';
import type { Gender } from '../contracts/visit.js';
import { centerOf, predictBox, type Velocity } from './geometry.js';
import type { IdentityDecision, Shot, TrackedFace, TrackState, TrackSummary } from './types.js';
import { median } from '../util/stats.js';

/** Bounded history for demographics; enough for a median and a vote. */
const MAX_DEMOGRAPHIC_SAMPLES = 200;
/**
 * Share of the (confidence-weighted) gender votes the winner needs for the track to say a gender at all: below
 * it the track's faces disagree and the answer is unknown, not a guess.
 */
export const GENDER_AGREEMENT = 0.8;
/** Velocity smoothing (exponential): new = a·measured + (1−a)·old. */
const VELOCITY_ALPHA = 0.5;

/** One face followed across frames of one camera. Plain state; the tracker drives it. */
export class Track<F extends TrackedFace = TrackedFace> {
  box: Box;
  readonly firstBox: Box;
  velocity: Velocity = { vx: 0, vy: 0 };
  lastSeenAt: number;
  missedFrames = 0;
  detections = 1;
  goodFaces = 0;
  /** Best shots, best quality first. */
  shots: Shot<F>[] = [];
  /** Good shots added since the last identity evaluation. */
  shotsSinceDecision = 0;
  /** The newest good face's descriptor and when it was seen: checks that the track still follows the same face. */
  lastEmbedding: Float32Array | null = null;
  lastEmbeddingAt = -Infinity;
  /** When this track's face last had its landmarks and quality measured (see describe-policy.ts). */
  qualityCheckedAt = -Infinity;
  state: TrackState = 'collecting';
  decision: IdentityDecision | null = null;
  private ages: number[] = [];
  private genders: { value: Gender; confidence: number }[] = [];

  constructor(
    readonly id: string,
    readonly cameraId: string,
    face: F,
    readonly firstSeenAt: number,
  ) {
    this.box = face.box;
    this.firstBox = face.box;
    this.lastSeenAt = firstSeenAt;
  }

  predicted(at: number): Box {
    return predictBox(this.box, this.velocity, at - this.lastSeenAt);
  }

  /** Moves the track to a new detection and updates its constant-velocity estimate. */
  observe(face: F, at: number): void {
    const dt = at - this.lastSeenAt;
    if (dt > 0) {
      const a = centerOf(this.box);
      const b = centerOf(face.box);
      this.velocity = {
        vx: VELOCITY_ALPHA * ((b.x - a.x) / dt) + (1 - VELOCITY_ALPHA) * this.velocity.vx,
        vy: VELOCITY_ALPHA * ((b.y - a.y) / dt) + (1 - VELOCITY_ALPHA) * this.velocity.vy,
      };
    }
    this.box = face.box;
    this.lastSeenAt = at;
    this.missedFrames = 0;
    this.detections++;
  }

  /** Records a face that passed the quality gate (demographics + counting). */
  noteGoodFace(face: F): void {
    this.goodFaces++;
    if (typeof face.age === 'number' && Number.isFinite(face.age)) pushBounded(this.ages, face.age);
    if (face.gender) pushBounded(this.genders, face.gender);
  }

  /** Good faces that brought age/gender (the demographics' sample count). */
  get demographicSamples(): number {
    return this.ages.length;
  }

  /** Whether a shot of this quality would enter the top-K. */
  wouldKeep(quality: number, topK: number): boolean {
    return this.shots.length < topK || quality > this.shots[this.shots.length - 1].face.quality.score;
  }

  /** Inserts a shot by quality, dropping the worst beyond topK. Returns whether it was kept. */
  addShot(shot: Shot<F>, topK: number): boolean {
    if (!this.wouldKeep(shot.face.quality.score, topK)) return false;
    const q = shot.face.quality.score;
    let i = this.shots.findIndex((s) => s.face.quality.score < q);
    if (i < 0) i = this.shots.length;
    this.shots.splice(i, 0, shot);
    if (this.shots.length > topK) this.shots.length = topK;
    this.shotsSinceDecision++;
    return true;
  }

  summary(concurrentPersonIds: string[]): TrackSummary<F> {
    return {
      cameraId: this.cameraId,
      trackId: this.id,
      firstSeenAt: this.firstSeenAt,
      lastSeenAt: this.lastSeenAt,
      firstBox: this.firstBox,
      lastBox: this.box,
      detections: this.detections,
      goodFaces: this.goodFaces,
      shots: [...this.shots],
      concurrentPersonIds,
      ageMedian: median(this.ages),
      ...trackGender(this.genders),
    };
  }
}

function pushBounded<T>(xs: T[], x: T): void {
  xs.push(x);
  if (xs.length > MAX_DEMOGRAPHIC_SAMPLES) xs.shift();
}

/**
 * The track's gender, decided over all its good faces: each face votes with its own confidence, and the winner
 * must hold GENDER_AGREEMENT of the weight. `genderConfidence` = the winner's share × the mean confidence of its
 * votes (also when it falls short): agreement and certainty together. The visit decides over its tracks the same way.
 */
export function trackGender(votes: readonly { value: Gender; confidence: number }[]): { gender: Gender | null; genderConfidence: number | null } {
  let male = 0, female = 0, maleVotes = 0;
  for (const v of votes) {
    if (v.value === 'male') {
      male += v.confidence;
      maleVotes++;
    } else female += v.confidence;
  }
  const total = male + female;
  if (votes.length === 0 || total <= 0) return { gender: null, genderConfidence: null };
  const winner: Gender = male > female ? 'male' : 'female';
  const [weight, count] = winner === 'male' ? [male, maleVotes] : [female, votes.length - maleVotes];
  const share = weight / total;
  const genderConfidence = Math.round(share * (weight / count) * 100) / 100;
  return { gender: share >= GENDER_AGREEMENT ? winner : null, genderConfidence };
}
