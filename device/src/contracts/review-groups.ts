import { z } from 'zod';
import { IsoTime } from './visit.js';
import { ReviewItem } from './http.js';

/**
 * The review queue grouped so a person can keep up with it: items about the same suggested person form one group,
 * items with no suggestion are grouped by face similarity. A whole group is acted on at once.
 */
export const ReviewGroupItem = ReviewItem.pick({ id: true, createdAt: true, cameraId: true, trackId: true, cropId: true, reason: true }).extend({
  /** Distance to the group's suggested person (null for groups of unknown faces). */
  distance: z.number().nullable(),
});

export const ReviewPerson = z.object({
  id: z.string(),
  kind: z.enum(['staff', 'customer']),
  /** Staff only; customers are never named. */
  name: z.string().nullable(),
  /** A face crop of this person (for a thumbnail), when one is kept. */
  cropId: z.string().nullable(),
});
export type ReviewPerson = z.infer<typeof ReviewPerson>;

export const ReviewGroup = z.object({
  /** Stable while the group's makeup holds: `P:<personId>` or `U:<first item id>`. */
  key: z.string(),
  kind: z.enum(['suggested', 'unknown']),
  /** The person the items are probably about (kind `suggested`). */
  person: ReviewPerson.nullable(),
  /** 0..1 confidence of the best item for the suggested person (1 − normalised distance). */
  score: z.number().nullable(),
  bestDistance: z.number().nullable(),
  /** The second person some items also resemble (why they were uncertain). */
  runnerUp: ReviewPerson.nullable(),
  firstAt: IsoTime,
  lastAt: IsoTime,
  /** Best first (closest to the suggested person, or most typical of the unknown group). */
  items: z.array(ReviewGroupItem),
});
export type ReviewGroup = z.infer<typeof ReviewGroup>;

export const ReviewGroupList = z.object({
  /** Largest first. */
  groups: z.array(ReviewGroup),
  totalItems: z.number().int(),
  /** How many items one track may hold in the queue (a looping camera cannot flood it). */
  perTrackCap: z.number().int(),
});
export type ReviewGroupList = z.infer<typeof ReviewGroupList>;

const itemId = z.string().regex(/^R-\d{6}$/, 'not a review item id');
const personId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/);

/** One action on many items (a group as the page showed it): each item is done or reported, never half. */
export const ReviewBatchRequest = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assign'), itemIds: z.array(itemId).min(1).max(500), personId }).strict(),
  z.object({ action: z.literal('not-this-person'), itemIds: z.array(itemId).min(1).max(500), personId: personId.optional() }).strict(),
  z.object({ action: z.literal('dismiss'), itemIds: z.array(itemId).min(1).max(500) }).strict(),
]);
export type ReviewBatchRequest = z.infer<typeof ReviewBatchRequest>;

export const ReviewBatchResult = z.object({
  action: z.enum(['assign', 'not-this-person', 'dismiss']),
  done: z.array(z.object({ id: z.string(), personId: z.string().nullable() })),
  /** Items that could not be acted on (already handled by someone else, unknown person…), with why. */
  failed: z.array(z.object({ id: z.string(), message: z.string() })),
});
export type ReviewBatchResult = z.infer<typeof ReviewBatchResult>;
