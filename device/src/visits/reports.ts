import type { Visit } from '../contracts/visit.js';
import { medianToTenth } from './open-visit.js';
import { nextZonedMidnight, startOfZonedDay, zonedDayKey, zonedParts } from './site-time.js';

/** Dwell buckets in minutes: [min, max). */
const DWELL_BUCKETS: readonly [string, number, number | null][] = [
  ['<1m', 0, 1],
  ['1-5m', 1, 5],
  ['5-15m', 5, 15],
  ['15-30m', 15, 30],
  ['30-60m', 30, 60],
  ['60m+', 60, null],
];
const AGE_BANDS: readonly [string, number, number | null][] = [
  ['0-17', 0, 18],
  ['18-24', 18, 25],
  ['25-34', 25, 35],
  ['35-44', 35, 45],
  ['45-54', 45, 55],
  ['55-64', 55, 65],
  ['65+', 65, null],
];
const MAX_REPORT_DAYS = 400;

export interface DayRow {
  /** Local date `YYYY-MM-DD` in the site timezone. */
  date: string;
  visits: number;
  newVisits: number;
  returningVisits: number;
  uniqueCustomers: number;
}

export interface VisitReport {
  from: string;
  to: string;
  timezone: string;
  customers: { visits: number; uniqueCustomers: number; newVisits: number; returningVisits: number };
  /** Staff presence is attendance, reported apart and never mixed into customer figures. */
  staff: { visits: number; uniqueStaff: number; totalDwellSeconds: number };
  /** Customer arrivals by local hour of day (index 0–23). */
  byHour: number[];
  /** Customer arrivals by local weekday (0 = Monday … 6 = Sunday) × local hour: the week's heatmap. */
  byWeekdayHour: number[][];
  /** Every local day in the range, zeros included. */
  byDay: DayRow[];
  dwell: { buckets: { label: string; visits: number }[]; medianSeconds: number | null; meanSeconds: number | null };
  demographics: {
    ageBands: { band: string; visits: number }[];
    ageUnknown: number;
    gender: { male: number; female: number; unknown: number };
  };
}

/**
 * Aggregates real visit rows (customer visits arriving in [from, to)) into the local report.
 * Works in one pass over any iterable, so it runs over a streaming scan of the day files.
 */
export async function buildVisitReport(
  rows: AsyncIterable<Visit> | Iterable<Visit>,
  range: { from: number; to: number; timezone: string },
): Promise<VisitReport> {
  const { from, to, timezone: tz } = range;
  const days = new Map<string, DayRow & { people: Set<string> }>();
  for (let t = startOfZonedDay(from, tz), i = 0; t < to && i < MAX_REPORT_DAYS; i++) {
    const date = zonedDayKey(t, tz);
    days.set(date, { date, visits: 0, newVisits: 0, returningVisits: 0, uniqueCustomers: 0, people: new Set() });
    t = nextZonedMidnight(date, tz);
  }
  const byHour = new Array<number>(24).fill(0);
  const byWeekdayHour = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const customers = new Set<string>();
  const staff = new Set<string>();
  const dwell: number[] = [];
  const dwellBuckets = DWELL_BUCKETS.map(() => 0);
  const ageBands = AGE_BANDS.map(() => 0);
  const gender = { male: 0, female: 0, unknown: 0 };
  let ageUnknown = 0;
  let staffVisits = 0;
  let staffDwell = 0;
  let newVisits = 0;
  let returningVisits = 0;

  for await (const v of rows) {
    const at = Date.parse(v.arrivedAt);
    if (at < from || at >= to) continue;
    if (v.kind === 'staff') {
      staffVisits++;
      staffDwell += v.dwellSeconds;
      staff.add(v.personId);
      continue;
    }
    customers.add(v.personId);
    v.returning ? returningVisits++ : newVisits++;
    const local = zonedParts(at, tz);
    byHour[local.hour]++;
    byWeekdayHour[(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay() + 6) % 7][local.hour]++;
    const day = days.get(zonedDayKey(at, tz));
    if (day) {
      day.visits++;
      v.returning ? day.returningVisits++ : day.newVisits++;
      day.people.add(v.personId);
    }
    dwell.push(v.dwellSeconds);
    const minutes = v.dwellSeconds / 60;
    dwellBuckets[DWELL_BUCKETS.findIndex(([, lo, hi]) => minutes >= lo && (hi === null || minutes < hi))]++;
    const age = v.demographics.ageMedian;
    if (age === null) ageUnknown++;
    else ageBands[AGE_BANDS.findIndex(([, lo, hi]) => age >= lo && (hi === null || age < hi))]++;
    gender[v.demographics.gender ?? 'unknown']++;
  }

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    timezone: tz,
    customers: { visits: newVisits + returningVisits, uniqueCustomers: customers.size, newVisits, returningVisits },
    staff: { visits: staffVisits, uniqueStaff: staff.size, totalDwellSeconds: Math.round(staffDwell) },
    byHour,
    byWeekdayHour,
    byDay: [...days.values()].map(({ people, ...row }) => ({ ...row, uniqueCustomers: people.size })),
    dwell: {
      buckets: DWELL_BUCKETS.map(([label], i) => ({ label, visits: dwellBuckets[i] })),
      medianSeconds: medianToTenth(dwell),
      meanSeconds: dwell.length ? Math.round((dwell.reduce((a, b) => a + b, 0) / dwell.length) * 10) / 10 : null,
    },
    demographics: { ageBands: AGE_BANDS.map(([band], i) => ({ band, visits: ageBands[i] })), ageUnknown, gender },
  };
}
