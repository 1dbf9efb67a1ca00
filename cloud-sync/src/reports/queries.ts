import type { Db } from '../db/types.js';
import { refreshRollup } from '../rollup.js';
import { addHistograms, alignsWithFineBins, coarseHistogram, histogramMedian } from './dwell-bins.js';
import { daysBetween, shiftDays, type Granularity, type ReportRange } from './range.js';

/**
 * Report queries. Every figure comes from `site_daily` (recomputed from the stored visit rows whenever
 * they change; see rollup.ts) or, for hourly series, staff attendance and footfall, from the rows
 * themselves, bucketed in each site's own timezone. Params are always
 * $1 site ids, $2 first local day, $3 last local day (inclusive).
 */
const BOUNDS = `b as (
  select id as site_id, name, timezone as tz,
         ($2::date::timestamp at time zone timezone) as lo,
         (($3::date + 1)::timestamp at time zone timezone) as hi
  from sites where id = any($1::text[]))`;
/**
 * Each site's own local bounds, plus the same period widened to every time zone (a day either side) as
 * plain UTC constants and the site list on the index's leading column: the planner then prunes the month
 * partitions and uses the (site_id, arrived_at) index instead of scanning every month of every site.
 */
export const IN_PERIOD = `v.site_id = b.site_id and v.arrived_at >= b.lo and v.arrived_at < b.hi
  and v.site_id = any($1::text[])
  and v.arrived_at >= ($2::date - 1)::timestamp at time zone 'UTC' and v.arrived_at < ($3::date + 2)::timestamp at time zone 'UTC'`;
const JOIN_VISITS = `b join visits v on ${IN_PERIOD}`;
const params = (r: ReportRange) => [r.siteIds, r.from, r.to];

const BUCKET_FORMAT: Record<Granularity, string> = {
  hour: 'YYYY-MM-DD"T"HH24:00',
  day: 'YYYY-MM-DD',
  week: 'YYYY-MM-DD',
  month: 'YYYY-MM',
};

/**
 * Customer visits (new and returning), unique customers, staff visits, and the visits the box could not identify
 * (`unidentifiedVisits`: real faces never good enough; `identifiedVisits` = customer + staff visits): what every
 * report counts.
 */
export interface VisitorCounts {
  visits: number;
  uniqueVisitors: number;
  newVisitors: number;
  returningVisitors: number;
  staffVisits: number;
  identifiedVisits: number;
  unidentifiedVisits: number;
}

/** The column names the report queries give those counts. */
interface VisitorCountColumns {
  visits: number;
  uniq: number;
  new_v: number;
  ret_v: number;
  staff: number;
  unid: number;
}

const visitorCounts = (x: VisitorCountColumns): VisitorCounts => ({
  visits: x.visits,
  uniqueVisitors: x.uniq,
  newVisitors: x.new_v,
  returningVisitors: x.ret_v,
  staffVisits: x.staff,
  identifiedVisits: x.visits + x.staff,
  unidentifiedVisits: x.unid,
});

export interface VisitBucket extends VisitorCounts {
  siteId: string;
  bucket: string;
}

/** The period's rows of the daily rollup (callers refresh it for their sites first), with each element of an array column when given. */
const rollupDays = (unnest?: string) =>
  `site_daily sd ${unnest ? `cross join lateral unnest(sd.${unnest}) with ordinality h(n, i)` : ''}
   where sd.site_id = any($1::text[]) and sd.day between $2::date and $3::date`;
/**
 * Exact unique customers of `sd`'s site over the days from `start` (a date expression) to the period's end:
 * each person counts on their first day from `start` on (see `fresh_customers` in migration 006).
 */
const freshFrom = (start: string) =>
  `coalesce(sd.fresh_customers[(sd.day - ${start}) + 1], sd.fresh_customers[cardinality(sd.fresh_customers)], 0)`;

/**
 * Customer visits per bucket and site, with every bucket of the period present (zeros included).
 * Days, weeks and months come from the exact daily rollup (unique visitors of a week or month are
 * distinct persons over its days in the period, not a sum of daily figures); hours from the raw rows.
 */
export async function visitSeries(db: Db, r: ReportRange, g: Granularity): Promise<VisitBucket[]> {
  const step = `1 ${g}`;
  const series = `select b.site_id, gs as bucket from b
     cross join generate_series(date_trunc('${g}', $2::date::timestamp), ($3::date + 1)::timestamp - interval '1 second', interval '${step}') gs`;
  let agg: string;
  if (g !== 'hour') {
    await refreshRollup(db, r.siteIds);
    const bucket = `date_trunc('${g}', sd.day::timestamp)`;
    agg = `select sd.site_id, ${bucket} as bucket, sum(sd.customer_visits) as visits,
             sum(${freshFrom(`greatest(${bucket}::date, $2::date)`)}) as uniq,
             sum(sd.new_customers) as new_v, sum(sd.returning_customers) as ret_v, sum(sd.staff_visits) as staff,
             sum(sd.unidentified_visits) as unid
           from ${rollupDays()} group by 1, 2`;
  } else {
    agg = `select v.site_id, date_trunc('${g}', v.arrived_at at time zone b.tz) as bucket,
             count(*) filter (where v.kind = 'customer') as visits,
             count(distinct v.person_id) filter (where v.kind = 'customer') as uniq,
             count(*) filter (where v.kind = 'customer' and not v.is_returning) as new_v,
             count(*) filter (where v.kind = 'customer' and v.is_returning) as ret_v,
             count(*) filter (where v.kind = 'staff') as staff,
             count(*) filter (where v.kind = 'unidentified') as unid
           from ${JOIN_VISITS} group by 1, 2`;
  }
  const res = await db.query<VisitorCountColumns & { site_id: string; bucket: string }>(
    `with ${BOUNDS}, s as (${series}), a as (${agg})
     select s.site_id, to_char(s.bucket, '${BUCKET_FORMAT[g]}') as bucket,
       coalesce(a.visits, 0)::int as visits, coalesce(a.uniq, 0)::int as uniq, coalesce(a.new_v, 0)::int as new_v,
       coalesce(a.ret_v, 0)::int as ret_v, coalesce(a.staff, 0)::int as staff, coalesce(a.unid, 0)::int as unid
     from s left join a on a.site_id = s.site_id and a.bucket = s.bucket
     order by s.site_id, s.bucket`,
    params(r),
  );
  return res.rows.map((x) => ({ siteId: x.site_id, bucket: x.bucket, ...visitorCounts(x) }));
}

export interface SiteSummary extends VisitorCounts {
  siteId: string;
  siteName: string;
  timezone: string;
  /** From the fine dwell bins (dwell-bins.ts): within half of `medianDwellResolutionSeconds` of the exact median. */
  medianDwellSeconds: number | null;
  medianDwellResolutionSeconds: number | null;
  meanDwellSeconds: number | null;
}

/** Fine dwell histograms summed per site over the period's days (dense: each day's array covers 1..its length). */
const DWELL_HISTOGRAMS = `select site_id, array_agg(n order by i) as hist from (
    select sd.site_id, h.i, sum(h.n)::int as n
    from ${rollupDays('dwell_histogram')}
    group by 1, 2) x group by 1`;

/** Per-site totals for the period from the daily rollup; dwell figures use closed customer visits only. */
export async function siteSummaries(db: Db, r: ReportRange, refreshed = false): Promise<SiteSummary[]> {
  if (!refreshed) await refreshRollup(db, r.siteIds);
  const res = await db.query<VisitorCountColumns & { site_id: string; name: string; tz: string; dwell_sum: number | null; dwell_count: number; hist: number[] | null }>(
    `with b as (select id as site_id, name, timezone as tz from sites where id = any($1::text[])),
     d as (select sd.site_id, sum(sd.customer_visits) as visits, sum(${freshFrom('$2::date')}) as uniq,
             sum(sd.new_customers) as new_v, sum(sd.returning_customers) as ret_v, sum(sd.staff_visits) as staff,
             sum(sd.unidentified_visits) as unid, sum(sd.dwell_sum) as dwell_sum, sum(sd.dwell_count) as dwell_count
           from ${rollupDays()} group by 1),
     h as (${DWELL_HISTOGRAMS})
     select b.site_id, b.name, b.tz, coalesce(d.visits, 0)::int as visits, coalesce(d.uniq, 0)::int as uniq,
       coalesce(d.new_v, 0)::int as new_v, coalesce(d.ret_v, 0)::int as ret_v, coalesce(d.staff, 0)::int as staff,
       coalesce(d.unid, 0)::int as unid, d.dwell_sum::float8 as dwell_sum, coalesce(d.dwell_count, 0)::int as dwell_count, h.hist
     from b left join d on d.site_id = b.site_id left join h on h.site_id = b.site_id
     order by b.name, b.site_id`,
    params(r),
  );
  return res.rows.map((x) => {
    const median = histogramMedian(x.hist ?? []);
    return {
      siteId: x.site_id,
      siteName: x.name,
      timezone: x.tz,
      ...visitorCounts(x),
      medianDwellSeconds: median?.seconds ?? null,
      medianDwellResolutionSeconds: median?.resolutionSeconds ?? null,
      meanDwellSeconds: x.dwell_count ? x.dwell_sum! / x.dwell_count : null,
    };
  });
}

/** Dwell histogram bounds in seconds; the last bin is open-ended. Each is a fine bin edge, so the bins are exact. */
export const DWELL_BINS = [0, 60, 300, 900, 1800, 3600] as const;
if (!alignsWithFineBins(DWELL_BINS)) throw new Error('DWELL_BINS must fall on fine dwell bin edges');

/** Dwell histogram and median of closed customer visits, from the fine daily histograms. */
export async function dwellDistribution(db: Db, r: ReportRange) {
  await refreshRollup(db, r.siteIds);
  const res = await db.query<{ hist: number[] }>(DWELL_HISTOGRAMS, params(r));
  const fine = res.rows.reduce<number[]>((sum, x) => addHistograms(sum, x.hist), []);
  const counts = coarseHistogram(fine, DWELL_BINS);
  const bins = DWELL_BINS.map((lo, i) => ({ fromSeconds: lo, toSeconds: DWELL_BINS[i + 1] ?? null, visits: counts[i] }));
  const median = histogramMedian(fine);
  return {
    bins,
    medianSeconds: median?.seconds ?? null,
    medianResolutionSeconds: median?.resolutionSeconds ?? null,
    closedVisits: bins.reduce((s, b) => s + b.visits, 0),
  };
}

/**
 * Staff presence per person and local day: summed visit durations (open visits count up to last sighting).
 * `displayName` is set only for sites whose box shares staff names with HQ (off by default).
 */
export async function staffAttendance(db: Db, r: ReportRange) {
  const res = await db.query<{ site_id: string; site_name: string; tz: string; person_id: string; display_name: string | null; day: string; visits: number; seconds: number; first_in: string; last_out: string }>(
    `with ${BOUNDS}, a as (
     select v.site_id, v.person_id, to_char(v.arrived_at at time zone b.tz, 'YYYY-MM-DD') as day, count(*)::int as visits,
       sum(extract(epoch from coalesce(v.departed_at, v.last_seen_at) - v.arrived_at))::float8 as seconds,
       to_char(min(v.arrived_at at time zone b.tz), 'HH24:MI') as first_in,
       to_char(max(coalesce(v.departed_at, v.last_seen_at) at time zone b.tz), 'HH24:MI') as last_out
     from ${JOIN_VISITS} where v.kind = 'staff'
     group by 1, 2, 3)
     select a.*, b.name as site_name, b.tz, n.display_name from a join b on b.site_id = a.site_id
     left join staff_names n on n.site_id = a.site_id and n.person_id = a.person_id
     order by b.name, a.site_id, a.day, coalesce(n.display_name, a.person_id)`,
    params(r),
  );
  return res.rows.map((x) => ({
    siteId: x.site_id,
    siteName: x.site_name,
    timezone: x.tz,
    personId: x.person_id,
    displayName: x.display_name,
    day: x.day,
    visits: x.visits,
    hours: Math.round((x.seconds / 3600) * 100) / 100,
    firstIn: x.first_in,
    lastOut: x.last_out,
  }));
}

export const AGE_BANDS = ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;

/** Sums one of the rollup's fixed-length per-day arrays over the period, grouped by `key` (an expression of sd). */
const ROLLUP_ARRAY_SUM = (column: string, key = `0`) => `select ${key} as key, h.i::int as i, sum(h.n)::int as n
  from ${rollupDays(column)}
  group by 1, 2`;

/** Customer visits by age band and gender (visits whose demographics are unknown are counted as such). */
export async function demographics(db: Db, r: ReportRange) {
  await refreshRollup(db, r.siteIds);
  // The rollup's cell [band * 3 + gender + 1]: band 0-6 (AGE_BANDS), 7 unknown; gender 0 male, 1 female, 2 unknown.
  const res = await db.query<{ i: number; n: number }>(ROLLUP_ARRAY_SUM('demographics'), params(r));
  const bands = AGE_BANDS.map((band) => ({ band, male: 0, female: 0, unknownGender: 0, total: 0 }));
  let unknownAge = 0;
  const gender = { male: 0, female: 0, unknown: 0 };
  for (const x of res.rows) {
    const band = Math.floor((x.i - 1) / 3);
    const g = (['male', 'female', null] as const)[(x.i - 1) % 3];
    gender[g ?? 'unknown'] += x.n;
    if (band === AGE_BANDS.length) {
      unknownAge += x.n;
      continue;
    }
    const b = bands[band];
    b.total += x.n;
    if (g) b[g] += x.n;
    else b.unknownGender += x.n;
  }
  return { ageBands: bands, unknownAge, gender };
}

/** Customer visits by local ISO weekday (1 = Monday) × hour of arrival. */
export async function heatmap(db: Db, r: ReportRange) {
  await refreshRollup(db, r.siteIds);
  const res = await db.query<{ key: number; i: number; n: number }>(ROLLUP_ARRAY_SUM('arrivals_by_hour', 'extract(isodow from sd.day)::int'), params(r));
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const x of res.rows) cells[x.key - 1][x.i - 1] = x.n;
  return { weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], cells };
}

/** Hours of the day ranked by customer arrivals, with the mean per day of the period. */
export async function peakHours(db: Db, r: ReportRange, top = 3) {
  await refreshRollup(db, r.siteIds);
  const res = await db.query<{ i: number; n: number }>(
    `select i, sum(n)::int as n from (${ROLLUP_ARRAY_SUM('arrivals_by_hour')}) x group by i having sum(n) > 0 order by 2 desc, 1 limit $4`,
    [...params(r), top],
  );
  const days = daysBetween(r.from, r.to) * Math.max(1, r.siteIds.length);
  return res.rows.map((x) => ({ hour: x.i - 1, visits: x.n, meanPerSiteDay: Math.round((x.n / days) * 100) / 100 }));
}

/** Each site's period against the previous period of the same length. */
export async function comparison(db: Db, r: ReportRange) {
  const n = daysBetween(r.from, r.to);
  const prev: ReportRange = { siteIds: r.siteIds, from: shiftDays(r.from, -n), to: shiftDays(r.from, -1) };
  await refreshRollup(db, r.siteIds);
  const [cur, before] = await Promise.all([siteSummaries(db, r, true), siteSummaries(db, prev, true)]);
  const byId = new Map(before.map((s) => [s.siteId, s]));
  const change = (a: number, b: number) => (b === 0 ? null : Math.round(((a - b) / b) * 10000) / 100);
  return {
    period: { from: r.from, to: r.to },
    previous: { from: prev.from, to: prev.to },
    sites: cur.map((c) => {
      const p = byId.get(c.siteId)!;
      return {
        siteId: c.siteId,
        siteName: c.siteName,
        visits: c.visits,
        previousVisits: p.visits,
        visitsChangePercent: change(c.visits, p.visits),
        uniqueVisitors: c.uniqueVisitors,
        previousUniqueVisitors: p.uniqueVisitors,
        uniqueVisitorsChangePercent: change(c.uniqueVisitors, p.uniqueVisitors),
        medianDwellSeconds: c.medianDwellSeconds,
        medianDwellResolutionSeconds: c.medianDwellResolutionSeconds,
        previousMedianDwellSeconds: p.medianDwellSeconds,
        previousMedianDwellResolutionSeconds: p.medianDwellResolutionSeconds,
      };
    }),
  };
}

export interface FootfallBucket {
  siteId: string;
  bucket: string;
  entries: number;
  exits: number;
  /** Entrants whose face was identified or recognised. */
  captured: number;
  /** captured / entries; null without entries. */
  captureRate: number | null;
}

/**
 * Footfall (people counted by their bodies) per bucket and site, every bucket of the period present, summed over
 * the site's devices (doors seen by several cameras are deduplicated on the box, and each door has one box).
 */
export async function footfallSeries(db: Db, r: ReportRange, g: Granularity): Promise<FootfallBucket[]> {
  const series = `select b.site_id, gs as bucket from b
     cross join generate_series(date_trunc('${g}', $2::date::timestamp), ($3::date + 1)::timestamp - interval '1 second', interval '1 ${g}') gs`;
  const res = await db.query<{ site_id: string; bucket: string; entries: number; exits: number; captured: number }>(
    `with ${BOUNDS}, s as (${series}),
     a as (select f.site_id, date_trunc('${g}', f.hour at time zone b.tz) as bucket,
             sum(f.entries) as entries, sum(f.exits) as exits, sum(f.captured) as captured
           from b join footfall_hours f on f.site_id = b.site_id and f.hour >= b.lo and f.hour < b.hi group by 1, 2)
     select s.site_id, to_char(s.bucket, '${BUCKET_FORMAT[g]}') as bucket,
       coalesce(a.entries, 0)::int as entries, coalesce(a.exits, 0)::int as exits, coalesce(a.captured, 0)::int as captured
     from s left join a on a.site_id = s.site_id and a.bucket = s.bucket
     order by s.site_id, s.bucket`,
    params(r),
  );
  return res.rows.map((x) => ({
    siteId: x.site_id,
    bucket: x.bucket,
    entries: x.entries,
    exits: x.exits,
    captured: Math.min(x.captured, x.entries),
    captureRate: x.entries ? Math.round((Math.min(x.captured, x.entries) / x.entries) * 1000) / 1000 : null,
  }));
}
