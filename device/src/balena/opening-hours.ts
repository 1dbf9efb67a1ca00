import type { OpeningHoursRule } from '../contracts/balena.js';
import { zonedParts } from '../visits/site-time.js';
import { err, ok, type Result } from '../util/result.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Weekday (0 = Sunday) and minute of the day at an instant, in the site's timezone. */
function localWeekMinute(ms: number, tz: string): { day: number; minute: number } {
  const p = zonedParts(ms, tz);
  return { day: new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(), minute: p.hour * 60 + p.minute };
}

/** Is the shop open at `ms`? A rule whose close is at or before its open runs past midnight. */
export function isOpenAt(rules: readonly OpeningHoursRule[], ms: number, tz: string): boolean {
  const { day, minute } = localWeekMinute(ms, tz);
  const yesterday = (day + 6) % 7;
  return rules.some((r) => {
    const open = minutes(r.open);
    const close = minutes(r.close);
    if (close > open) return r.days.includes(day) && minute >= open && minute < close;
    // Overnight: the evening part belongs to the rule's day, the small hours to the day after.
    return (r.days.includes(day) && minute >= open) || (r.days.includes(yesterday) && minute < close);
  });
}

function parseDays(spec: string): number[] | null {
  const out = new Set<number>();
  for (const part of spec.split('+')) {
    const [a, b] = part.split('-').map((d) => DAY_NAMES.indexOf(d.trim().slice(0, 3).toLowerCase()));
    if (a === undefined || a < 0 || (b !== undefined && b < 0)) return null;
    if (b === undefined) out.add(a);
    else for (let d = a; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === b) break;
    }
  }
  return [...out].sort();
}

/**
 * Parses the `CVA_OPENING_HOURS` device variable: rules separated by `;`, each `DAYS HH:MM-HH:MM`
 * where DAYS is a day (`Sat`), a range (`Mon-Fri`) or several joined by `+` (`Mon-Fri+Sun`).
 * Example: `Mon-Fri 09:00-18:00; Sat 10:00-16:00`.
 */
export function parseOpeningHours(text: string): Result<OpeningHoursRule[], string> {
  const rules: OpeningHoursRule[] = [];
  for (const raw of text.split(';')) {
    const rule = raw.trim();
    if (!rule) continue;
    const m = /^(\S+)\s+([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)$/.exec(rule);
    const days = m ? parseDays(m[1]) : null;
    if (!m || !days) return err(`"${rule}": expected e.g. "Mon-Fri 09:00-18:00"`);
    rules.push({ days, open: `${m[2]}:${m[3]}`, close: `${m[4]}:${m[5]}` });
  }
  if (rules.length === 0) return err('no opening hours given');
  return ok(rules);
}
