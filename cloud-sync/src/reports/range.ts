import { z } from 'zod';
import { HttpError } from '../../../device/src/util/http-errors.js';

/** A real calendar day: 2026-02-31 is refused (Date.parse would roll it over to March; PostgreSQL refuses it). */
const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, 'not a date');
export const Granularity = z.enum(['hour', 'day', 'week', 'month']);
export type Granularity = z.infer<typeof Granularity>;
export const MAX_RANGE_DAYS = 366;

/** A report period: local calendar days [from, to] inclusive, applied in each site's own timezone. */
export interface ReportRange {
  siteIds: string[];
  from: string;
  to: string;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function shiftDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Days in the default period: the last 7 local days, today included. */
export const DEFAULT_RANGE_DAYS = 7;

/** The calendar day it is now in an IANA time zone. */
export function localToday(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * `from`/`to` as given; a missing `to` is `today` (the latest local day among the sites' time zones) and
 * a missing `from` is 6 days before `to`, so no parameters at all means the last 7 days.
 */
export function parseRange(siteIds: string[], query: Record<string, unknown>, today: string): ReportRange {
  const blank = (v: unknown) => v === undefined || v === '';
  const to = blank(query.to) ? today : query.to;
  const from = blank(query.from) ? (typeof to === 'string' && LocalDate.safeParse(to).success ? shiftDays(to, 1 - DEFAULT_RANGE_DAYS) : to) : query.from;
  const r = z.object({ from: LocalDate, to: LocalDate }).safeParse({ from, to });
  if (!r.success) throw new HttpError(400, 'invalid_range', 'from and to are local dates (YYYY-MM-DD); leave both out for the last 7 days');
  const n = daysBetween(r.data.from, r.data.to);
  if (n < 1) throw new HttpError(400, 'invalid_range', 'to must not be before from');
  if (n > MAX_RANGE_DAYS) throw new HttpError(400, 'invalid_range', `a report covers at most ${MAX_RANGE_DAYS} days`);
  return { siteIds, from: r.data.from, to: r.data.to };
}

export function parseGranularity(v: unknown): Granularity {
  const r = Granularity.safeParse(v ?? 'day');
  if (!r.success) throw new HttpError(400, 'invalid_granularity', 'granularity: hour, day, week or month');
  return r.data;
}
