import { z } from 'zod';
import { EMBEDDING_LENGTH } from '../frame/face.js';

/**
 * The identity document (identity.json): persons, counters, the review queue and negative feedback.
 * Embedding vectors of persons live in the EmbeddingStore (binary); only small vectors that are not
 * gallery rows (staff templates, review evidence, negatives) are kept here.
 */
export const STAFF_ID = /^S-\d{6}$/;
export const CUSTOMER_ID = /^C-\d{6}$/;
export const REVIEW_ID = /^R-\d{6}$/;

export const formatId = (prefix: 'S' | 'C' | 'R', n: number): string => `${prefix}-${String(n).padStart(6, '0')}`;

const Vector = z.array(z.number().finite()).length(EMBEDDING_LENGTH);

/** A "not this person" sample: a face that was said not to be `personId`. */
export const Negative = z.object({ vector: Vector, createdAt: z.number().int() });

export const StaffRecord = z.object({
  id: z.string().regex(STAFF_ID),
  kind: z.literal('staff'),
  /** Display name for staff screens; staff only (customers are never named). */
  name: z.string().trim().min(1).max(80),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int().nullable(),
  /** Robust template: mean of the inlier photos (outliers dropped by distance to the median). */
  template: Vector.nullable(),
  negatives: z.array(Negative).max(50).default([]),
});
export type StaffRecord = z.infer<typeof StaffRecord>;

export const CustomerRecord = z.object({
  id: z.string().regex(CUSTOMER_ID),
  kind: z.literal('customer'),
  /** Free text for staff use (e.g. "regular, prefers window table"); never a name the system invents. */
  note: z.string().max(500).default(''),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int().nullable(),
  negatives: z.array(Negative).max(50).default([]),
});
export type CustomerRecord = z.infer<typeof CustomerRecord>;

export const PersonRecord = z.discriminatedUnion('kind', [StaffRecord, CustomerRecord]);
export type PersonRecord = z.infer<typeof PersonRecord>;

export const ReviewReason = z.enum(['grey-zone', 'small-margin']);
export type ReviewReason = z.infer<typeof ReviewReason>;

/** An uncertain decision waiting for a human (Frigate style). */
export const ReviewItem = z.object({
  id: z.string().regex(REVIEW_ID),
  createdAt: z.number().int(),
  cameraId: z.string().max(64),
  trackId: z.string().max(128),
  /** Best face crop of the track, when the pipeline supplied one. */
  cropId: z.string().max(128).nullable(),
  reason: ReviewReason,
  /** Best and runner-up persons with their track-averaged distances. */
  candidates: z.array(z.object({ personId: z.string(), distance: z.number() })).max(2),
  /** The track's best shots (what "assign" adds to the chosen person). */
  vectors: z.array(Vector).min(1).max(5),
  quality: z.number().min(0),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const IdentityDoc = z.object({
  version: z.literal(1),
  /** Monotonic, never reused (a forgotten C-000007 is never given to someone else). */
  counters: z.object({ staff: z.number().int().min(0), customer: z.number().int().min(0), review: z.number().int().min(0) }),
  persons: z.record(z.string(), PersonRecord),
  review: z.array(ReviewItem),
  /** Pairs declared different people (split, "not this person"): never merged or confused. */
  differentPairs: z.array(z.tuple([z.string(), z.string()])).max(10000),
});
export type IdentityDoc = z.infer<typeof IdentityDoc>;

export const emptyIdentityDoc = (): IdentityDoc => ({
  version: 1,
  counters: { staff: 0, customer: 0, review: 0 },
  persons: {},
  review: [],
  differentPairs: [],
});
