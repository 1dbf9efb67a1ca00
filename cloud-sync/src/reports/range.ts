import { z } from 'zod';
import { HttpError } from '../../../device/src/util/http-errors.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a date');
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

export function parseRange(siteIds: string[], query: Record<string, unknown>): ReportRange {
  const r = z.object({ from: LocalDate, to: LocalDate }).safeParse(query);
  if (!r.success) throw new HttpError(400, 'invalid_range', 'from and to are required local dates (YYYY-MM-DD)');
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
