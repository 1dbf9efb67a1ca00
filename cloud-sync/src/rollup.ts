import type { Db, Queryable } from './db/types.js';
import { FINE_DWELL_EDGES } from './reports/dwell-bins.js';

/** Advisory lock class of a site's rollup (two-key form, apart from the single-key locks of migrations and partitions). */
const ROLLUP_LOCK_CLASS = 746_201_003;
/** A previous visit this many days back or more counts as none: a report covers at most 366 days. */
const NO_PREVIOUS = 367;

/** The claimed (site, local day) pairs as the filter every step below applies to its own table. */
interface DayKeys {
  sites: string[];
  first: string;
  last: string;
  keys: string[];
}

function dayKeys(rows: Array<{ site_id: string; day: string }>): DayKeys {
  // Keys as 'site|day' text: `= any(array)` on a constant array is hashed by PostgreSQL, which
  // stays fast for tens of thousands of dirty days where a join on a function scan would not.
  const days = rows.map((r) => r.day).sort();
  return {
    sites: [...new Set(rows.map((r) => r.site_id))],
    first: days[0],
    last: days[days.length - 1],
    keys: rows.map((r) => `${r.site_id}|${r.day}`),
  };
}

const keyParams = (k: DayKeys) => [k.sites, k.first, k.last, k.keys];
const IN_KEYS = (t: string) =>
  `${t}.site_id = any($1::text[]) and ${t}.day between $2::date and $3::date and (${t}.site_id || '|' || ${t}.day::text) = any($4::text[])`;

/**
 * The raw visits of the claimed days: one pass over the affected sites' rows from the first to the last
 * dirty day (±1 day covers every timezone), with each row's local day.
 */
const RAW_VISITS = `select v.*, (v.arrived_at at time zone s.timezone)::date as day, (v.arrived_at at time zone s.timezone) as local_at
  from visits v join sites s on s.id = v.site_id
  where v.site_id = any($1::text[]) and v.arrived_at >= $5 and v.arrived_at < $6
    and (v.arrived_at at time zone s.timezone)::date between $2::date and $3::date
    and (v.site_id || '|' || ((v.arrived_at at time zone s.timezone)::date)::text) = any($4::text[])`;

function rawBounds(k: DayKeys): [Date, Date] {
  return [new Date(Date.parse(`${k.first}T00:00:00Z`) - 86_400_000), new Date(Date.parse(`${k.last}T00:00:00Z`) + 2 * 86_400_000)];
}

/** The day's figures, histograms included, straight from its raw visit rows. */
async function recomputeDays(q: Queryable, k: DayKeys): Promise<void> {
  await q.query(`delete from site_daily d where ${IN_KEYS('d')}`, keyParams(k));
  await q.query(
    `insert into site_daily (site_id, day, visits, customer_visits, staff_visits, unidentified_visits, unique_customers, new_customers,
        returning_customers, dwell_sum, dwell_count, dwell_histogram, arrivals_by_hour, demographics)
     select x.site_id, x.day, count(*)::int,
        count(*) filter (where x.kind = 'customer')::int,
        count(*) filter (where x.kind = 'staff')::int,
        count(*) filter (where x.kind = 'unidentified')::int,
        count(distinct x.person_id) filter (where x.kind = 'customer')::int,
        count(*) filter (where x.kind = 'customer' and not x.is_returning)::int,
        count(*) filter (where x.kind = 'customer' and x.is_returning)::int,
        coalesce(sum(x.dwell_seconds) filter (where x.kind = 'customer' and x.status = 'closed'), 0),
        count(*) filter (where x.kind = 'customer' and x.status = 'closed')::int,
        cva_histogram(array_agg(greatest(1, width_bucket(x.dwell_seconds, $7::float8[]))) filter (where x.kind = 'customer' and x.status = 'closed'), null),
        cva_histogram(array_agg(extract(hour from x.local_at)::int + 1) filter (where x.kind = 'customer'), 24),
        cva_histogram(array_agg(
          case when x.age_median is null then 7 else width_bucket(x.age_median, array[18,25,35,45,55,65]::real[]) end * 3
          + case x.gender when 'male' then 0 when 'female' then 1 else 2 end + 1) filter (where x.kind = 'customer'), 24)
     from (${RAW_VISITS}) x
     group by x.site_id, x.day`,
    [...keyParams(k), ...rawBounds(k), FINE_DWELL_EDGES],
  );
}

/**
 * Replaces the claimed days' customers in `site_person_days` (each with the day of their previous visit) and
 * repairs the previous-visit day of those persons' other days (a late, moved, re-kinded or forgotten visit
 * changes the gap of that person's next day). Returns the other days whose customers' gaps changed.
 */
async function recomputePersonDays(q: Queryable, k: DayKeys): Promise<DayKeys | null> {
  await q.query('create temp table if not exists rollup_touched (site_id text not null, person_id text not null) on commit delete rows');
  await q.query(
    `with old as (delete from site_person_days d where ${IN_KEYS('d')} returning site_id, person_id)
     insert into rollup_touched select distinct site_id, person_id from old`,
    keyParams(k),
  );
  // The new rows carry their previous day already (over the person's other days as stored), so only the
  // days after them may need repair below.
  await q.query(
    `with n as (select distinct x.site_id, x.person_id, x.day from (${RAW_VISITS}) x where x.kind = 'customer'),
     h as (select site_id, person_id, day, true as fresh from n
           union all
           select d.site_id, d.person_id, d.day, false from site_person_days d
           where d.site_id = any($1::text[]) and (d.site_id, d.person_id) in (select site_id, person_id from n)),
     w as (select site_id, person_id, day, fresh, lag(day) over (partition by site_id, person_id order by day) as prev from h),
     ins as (insert into site_person_days(site_id, person_id, day, prev_day)
             select site_id, person_id, day, prev from w where fresh returning site_id, person_id)
     insert into rollup_touched select distinct site_id, person_id from ins`,
    [...keyParams(k), ...rawBounds(k)],
  );
  const changed = await q.query<{ site_id: string; day: string }>(
    `with t as (select distinct site_id, person_id from rollup_touched),
     w as (select d.site_id, d.person_id, d.day, lag(d.day) over (partition by d.site_id, d.person_id order by d.day) as prev
           from site_person_days d join t on t.site_id = d.site_id and t.person_id = d.person_id),
     u as (update site_person_days d set prev_day = w.prev from w
           where d.site_id = w.site_id and d.person_id = w.person_id and d.day = w.day and d.prev_day is distinct from w.prev
           returning d.site_id, d.day)
     select distinct site_id, day::text as day from u`,
  );
  await q.query('delete from rollup_touched');
  return changed.rows.length ? dayKeys(changed.rows) : null;
}

/**
 * `fresh_customers` of the given days from their customers' gaps since their previous visit: counts per gap
 * (1 … the longest gap, then one place for "none within a report's reach"), summed from the end.
 */
async function recomputeFresh(q: Queryable, k: DayKeys): Promise<void> {
  await q.query(
    `with m as (
       select d.site_id, d.day, array_agg(least(coalesce(d.day - d.prev_day, ${NO_PREVIOUS}), ${NO_PREVIOUS})) as gaps,
         coalesce(max(d.day - d.prev_day) filter (where d.day - d.prev_day < ${NO_PREVIOUS}), 0) + 1 as len
       from site_person_days d where ${IN_KEYS('d')} group by 1, 2)
     update site_daily sd set fresh_customers = cva_suffix_sums(cva_histogram(array(select least(x, m.len) from unnest(m.gaps) x), m.len))
     from m where sd.site_id = m.site_id and sd.day = m.day`,
    keyParams(k),
  );
}

/**
 * Recomputes `site_daily` for the (site, local day) pairs ingest marked dirty, straight from the raw
 * visit rows, so the rollup is exact (unique visitors included) rather than incrementally patched.
 * Claiming the dirty rows with DELETE … RETURNING makes concurrent refreshers (several instances,
 * or a report refreshing its own sites) split the work instead of repeating it; the claimed sites are
 * then locked (in one order, so no deadlock) because a person's days link across refreshes.
 */
export async function refreshRollup(db: Db, siteIds?: string[]): Promise<number> {
  return db.tx(async (q) => {
    const dirty = await q.query<{ site_id: string; day: string }>(
      `delete from rollup_dirty where ($1::text[] is null or site_id = any($1::text[])) returning site_id, day::text as day`,
      [siteIds ?? null],
    );
    if (dirty.rows.length === 0) return 0;
    const k = dayKeys(dirty.rows);
    for (const site of [...k.sites].sort()) await q.query('select pg_advisory_xact_lock($1, hashtext($2))', [ROLLUP_LOCK_CLASS, site]);
    await recomputeDays(q, k);
    const later = await recomputePersonDays(q, k);
    await recomputeFresh(q, k);
    if (later) await recomputeFresh(q, later);
    return dirty.rows.length;
  });
}
