import { z } from 'zod';
import { IsoTime } from './visit.js';

/**
 * Footfall: people counted by their bodies (person tracks), face or not. Counting lines and zones live in each
 * camera's settings (contracts/camera.ts); counts go to MQTT, HTTP reports, Prometheus, heartbeats and cloud-sync.
 * Coordinates are fractions of the frame (0..1, y down), so they survive a change of analysis width.
 */
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _');

export const Point = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });
export type Point = z.infer<typeof Point>;

/**
 * A directed counting line (a polyline: a doorway, or a doorway and the edge it opens on). Walking from its first
 * point to its last as drawn on the image, `inSide` is the side of the shop's inside: a person crossing into it is
 * counted *in*, out of it *out*. Lines of several cameras with the same `door` count each entry once.
 */
export const CountingLine = z.object({
  id: slug,
  name: z.string().min(1).max(80),
  points: z.array(Point).min(2).max(8),
  inSide: z.enum(['left', 'right']).default('right'),
  door: slug.nullable().default(null),
});
export type CountingLine = z.infer<typeof CountingLine>;

/**
 * A zone (polygon): its occupancy is the people standing in it, its dwell how long they stay. On a camera without
 * counting lines a person entering a zone is counted *in* and leaving it *out*.
 */
export const CountingZone = z.object({
  id: slug,
  name: z.string().min(1).max(80),
  polygon: z.array(Point).min(3).max(32),
  door: slug.nullable().default(null),
});
export type CountingZone = z.infer<typeof CountingZone>;

/** What a camera's analysis runs: faces (identity), persons (footfall) or both. */
export const AnalysisMode = z.enum(['faces', 'persons', 'both']);
export type AnalysisMode = z.infer<typeof AnalysisMode>;

export const Direction = z.enum(['in', 'out']);
export type Direction = z.infer<typeof Direction>;

/** One counted crossing (published on `<base>/footfall`, not retained). */
export const FootfallEvent = z.object({
  at: IsoTime,
  cameraId: z.string(),
  /** The line or zone that counted it. */
  source: z.object({ kind: z.enum(['line', 'zone']), id: z.string() }),
  door: z.string().nullable(),
  direction: Direction,
  /** The person track (per camera). */
  trackId: z.string(),
  /** False when another camera of the same door already counted this person (kept for audit, not in totals). */
  counted: z.boolean(),
  /** `S-…` / `C-…` when the person's face was identified by now, else null. */
  personId: z.string().nullable(),
});
export type FootfallEvent = z.infer<typeof FootfallEvent>;

export const ZoneOccupancy = z.object({
  cameraId: z.string(),
  zoneId: z.string(),
  name: z.string(),
  occupancy: z.number().int().min(0),
  /** Mean stay of the people who left the zone today (seconds); null before the first. */
  meanDwellSeconds: z.number().min(0).nullable(),
});
export type ZoneOccupancy = z.infer<typeof ZoneOccupancy>;

/** Retained footfall figures (published on `<base>/counts/footfall`). */
export const FootfallCounts = z.object({
  at: IsoTime,
  entriesToday: z.number().int().min(0),
  exitsToday: z.number().int().min(0),
  entriesThisHour: z.number().int().min(0),
  exitsThisHour: z.number().int().min(0),
  /** People inside now: the zones' occupancy where zones exist, else entries minus exits today (never below 0). */
  occupancyNow: z.number().int().min(0),
  /** Entrants today whose face was identified (staff) or recognised (customer). */
  capturedToday: z.number().int().min(0),
  /** capturedToday / entriesToday; null before the first entry. */
  captureRateToday: z.number().min(0).max(1).nullable(),
  zones: z.array(ZoneOccupancy),
});
export type FootfallCounts = z.infer<typeof FootfallCounts>;

/** One hour of footfall at a site (local reports, heartbeats and cloud-sync's reports). */
export const FootfallHour = z.object({
  /** Start of the hour (UTC). */
  hour: IsoTime,
  entries: z.number().int().min(0),
  exits: z.number().int().min(0),
  captured: z.number().int().min(0),
});
export type FootfallHour = z.infer<typeof FootfallHour>;

/** Local footfall report (`GET /api/v1/reports/footfall`): hours and days in the site's timezone. */
export const FootfallReport = z.object({
  from: IsoTime,
  to: IsoTime,
  timezone: z.string(),
  totals: z.object({
    entries: z.number().int().min(0),
    exits: z.number().int().min(0),
    captured: z.number().int().min(0),
    captureRate: z.number().min(0).max(1).nullable(),
  }),
  /** Entries by local hour of day (index 0–23). */
  entriesByHour: z.array(z.number().int().min(0)),
  byDay: z.array(z.object({ date: z.string(), entries: z.number().int().min(0), exits: z.number().int().min(0), captured: z.number().int().min(0) })),
  /** The stored hours of the range (UTC hour starts). */
  hours: z.array(FootfallHour),
});
export type FootfallReport = z.infer<typeof FootfallReport>;
