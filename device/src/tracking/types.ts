import type { Box } from '../contracts/live.js';
import type { Gender } from '../contracts/visit.js';
import type { CropSource } from '../frame/face-crop.js';
import type { FaceQuality } from '../frame/face.js';

/**
 * The part of the engine's per-face analysis that tracking and identity use. The engine's face object
 * satisfies it structurally; callers may carry extra fields (e.g. a crop) that come back in events.
 */
export interface TrackedFace {
  box: Box;
  /** Detection score 0..1. */
  score: number;
  quality: FaceQuality;
  /** EMBEDDING_LENGTH-D descriptor; absent when the pipeline skipped describing this face. */
  embedding?: Float32Array;
  age?: number | null;
  gender?: { value: Gender; confidence: number } | null;
  /** Where the face can be cut from (a JPEG, or the frame + box): kept with samples and review items. */
  crop?: CropSource;
}

/** A good face kept by a track (only faces that pass the size/sharpness gate and carry an embedding). */
export interface Shot<F extends TrackedFace = TrackedFace> {
  face: F & { embedding: Float32Array };
  at: number;
  /** Decision weight: detection score × size factor. */
  weight: number;
}

export type TrackState = 'collecting' | 'decided' | 'unknown' | 'too-small';

/** What identity is told about a track, and what comes back in events. */
export interface TrackSummary<F extends TrackedFace = TrackedFace> {
  cameraId: string;
  trackId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Where the face was in the track's first and latest frame (fragment stitching, pipeline/fragment-stitcher.ts). */
  firstBox: Box;
  lastBox: Box;
  /** Frames the track was matched in. */
  detections: number;
  /** Faces that passed the size/sharpness gate (with or without an embedding). */
  goodFaces: number;
  /** Best shots by quality, best first (at most the tracker's topK). */
  shots: Shot<F>[];
  /** Persons currently held by OTHER live tracks of this camera: never this track's person. */
  concurrentPersonIds: string[];
  /** Median age of the good faces, when any reported one. */
  ageMedian: number | null;
  /** The good faces' gender, decided over the track; null when none reported one or they disagree (track.ts). */
  gender: Gender | null;
  /** Share of the confidence-weighted votes for the winning gender; null without votes. */
  genderConfidence: number | null;
}

/** An identity answer for a track. `personId` null = not decided (see `reason`). */
export interface IdentityDecision {
  personId: string | null;
  kind: 'staff' | 'customer' | 'unknown';
  /** Staff display name; never set for customers. */
  name: string | null;
  /** Confidence 0..1 for events. */
  score: number;
  /** Track-averaged distance to the chosen (or best) person; null when there was no candidate. */
  distance: number | null;
  runnerUp: { personId: string; distance: number } | null;
  reason: DecisionReason;
}

export type DecisionReason =
  | 'matched'
  | 'new-customer'
  | 'uncertain'
  | 'unknown'
  | 'insufficient'
  | 'inconsistent'
  | 'too-small';

/**
 * What ending a track settled: a late decision for the track itself, and, when a customer was formed from this
 * track's lone face and an EARLIER ended track's, that earlier track with its decision (it still gets its visit).
 */
export interface TrackFinish<F extends TrackedFace = TrackedFace> {
  decision: IdentityDecision | null;
  earlier: { summary: TrackSummary<F>; decision: IdentityDecision } | null;
}

/** What decides a track's identity (identity/track-decider.ts implements it). */
export interface TrackDecider<F extends TrackedFace = TrackedFace> {
  decide(summary: TrackSummary<F>): Promise<IdentityDecision>;
  /** Called once when a track ends. */
  finish(summary: TrackSummary<F>, last: IdentityDecision | null): Promise<TrackFinish<F>>;
}

export type TrackEvent<F extends TrackedFace = TrackedFace> =
  | { type: 'started'; cameraId: string; trackId: string; at: number; box: Box }
  /** The track's state or person changed. */
  | { type: 'decision'; cameraId: string; trackId: string; at: number; state: TrackState; decision: IdentityDecision; summary: TrackSummary<F> }
  /** The track was matched in a frame (one per face per frame). */
  | { type: 'seen'; cameraId: string; trackId: string; at: number; face: F; state: TrackState; decision: IdentityDecision | null }
  | { type: 'ended'; cameraId: string; trackId: string; at: number; state: TrackState; decision: IdentityDecision | null; summary: TrackSummary<F> }
  /** An already ended track (possibly of another camera) was decided when a later track ended (TrackFinish.earlier). */
  | { type: 'decided-after-end'; cameraId: string; trackId: string; at: number; decision: IdentityDecision; summary: TrackSummary<F> };
