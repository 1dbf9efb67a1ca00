/**
 * Date inputs (YYYY-MM-DD) are days of the site (its timezone, as the reports count them), turned into the
 * API's ISO instants; the viewing device may be elsewhere.
 */
import { displayTimeZone } from '../kit/strings.js';

/** Local wall-clock parts of an instant in a zone. */
function partsIn(ms: number, timeZone: string | undefined): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const out: Record<string, number> = {};
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out.year, m: out.month, d: out.day, h: out.hour, min: out.minute, s: out.second };
}

/** The instant local midnight starts day y-m-d in the zone (two passes settle a DST change). */
function midnight(y: number, m: number, d: number, timeZone: string | undefined): number {
  let t = Date.UTC(y, m - 1, d);
  for (let i = 0; i < 2; i++) {
    const p = partsIn(t, timeZone);
    t -= Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Date.UTC(y, m - 1, d);
  }
  return t;
}

/** Today (minus `daysAgo`) in the site's timezone, as a date input value. */
export function siteDay(daysAgo: number): string {
  const p = partsIn(Date.now(), displayTimeZone());
  const day = new Date(Date.UTC(p.y, p.m - 1, p.d - daysAgo));
  return day.toISOString().slice(0, 10);
}

/** The instant a site day starts; `inclusiveEnd` gives the start of the next day (an exclusive bound). */
export function dayToIso(value: string, inclusiveEnd = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(midnight(y, m, d + (inclusiveEnd ? 1 : 0), displayTimeZone())).toISOString();
}

/** The instant the site's day (today minus `daysAgo`) started. */
export function startOfLocalDay(daysAgo: number): Date {
  return new Date(dayToIso(siteDay(daysAgo))!);
}
