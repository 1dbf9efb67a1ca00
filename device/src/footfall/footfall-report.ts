import type { FootfallHour, FootfallReport } from '../contracts/footfall.js';
import { zonedDayKey, zonedParts } from '../visits/site-time.js';

/** Entries, exits and captures of [from, to) by local hour of day and by local day; totals and capture rate. */
export function buildFootfallReport(hours: FootfallHour[], range: { from: number; to: number; timezone: string }): FootfallReport {
  const entriesByHour = new Array<number>(24).fill(0);
  const days = new Map<string, { date: string; entries: number; exits: number; captured: number }>();
  const totals = { entries: 0, exits: 0, captured: 0 };
  for (const h of hours) {
    const at = Date.parse(h.hour);
    entriesByHour[zonedParts(at, range.timezone).hour] += h.entries;
    const date = zonedDayKey(at, range.timezone);
    const d = days.get(date) ?? { date, entries: 0, exits: 0, captured: 0 };
    d.entries += h.entries;
    d.exits += h.exits;
    d.captured += h.captured;
    days.set(date, d);
    totals.entries += h.entries;
    totals.exits += h.exits;
    totals.captured += h.captured;
  }
  const captured = Math.min(totals.captured, totals.entries);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    timezone: range.timezone,
    totals: { ...totals, captured, captureRate: totals.entries ? captured / totals.entries : null },
    entriesByHour,
    byDay: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    hours,
  };
}
