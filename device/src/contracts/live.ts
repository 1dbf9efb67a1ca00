import { z } from 'zod';
import { IsoTime, PersonKind } from './visit.js';

export const Box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
export type Box = z.infer<typeof Box>;

/** A live recognition: a track's identity decision (published on `<base>/faces`). */
export const FaceEvent = z.object({
  at: IsoTime,
  cameraId: z.string(),
  trackId: z.string(),
  /** `S-…` / `C-…`, null while unknown. */
  personId: z.string().nullable(),
  kind: PersonKind,
  /** Staff members' display name; never set for customers. */
  name: z.string().nullable(),
  /** Decision confidence in [0, 1] (1 - normalised distance). */
  score: z.number(),
  box: Box,
});
export type FaceEvent = z.infer<typeof FaceEvent>;

/** Retained occupancy figures (published on `<base>/counts`). */
export const Counts = z.object({
  at: IsoTime,
  /** Visitors (customers and unidentified visitors) with an open visit right now. */
  inShopNow: z.number().int().min(0),
  staffInShopNow: z.number().int().min(0),
  /** Visitor visits (customers and unidentified visitors) that started today in the site's timezone. */
  visitsToday: z.number().int().min(0),
});
export type Counts = z.infer<typeof Counts>;
