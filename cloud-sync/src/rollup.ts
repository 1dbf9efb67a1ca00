import type { Db } from './db/types.js';

/**
 * Recomputes `site_daily` for the (site, local day) pairs ingest marked dirty, straight from the raw
 * visit rows, so the rollup is exact (unique visitors included) rather than incrementally patched.
 * Claiming the dirty rows with DELETE … RETURNING makes concurrent refreshers (several instances,
 * or a report refreshing its own sites) split the work instead of repeating it.
 */
export async function refreshRollup(db: Db, siteIds?: string[]): Promise<number> {
  return db.tx(async (q) => {
    const dirty = await q.query<{ site_id: string; day: string }>(
      `delete from rollup_dirty where ($1::text[] is null or site_id = any($1::text[])) returning site_id, day::text as day`,
      [siteIds ?? null],
    );
    if (dirty.rows.length === 0) return 0;
    const json = JSON.stringify(dirty.rows);
    await q.query(
      `delete from site_daily sd using jsonb_to_recordset($1::jsonb) as r(site_id text, day date)
       where sd.site_id = r.site_id and sd.day = r.day`,
      [json],
    );
    // One pass over the affected sites' rows between the earliest and latest dirty day (±1 day for
    // any timezone), grouped by local day and matched to the dirty set with a hash join.
    const days = dirty.rows.map((r) => r.day).sort();
    const lo = new Date(Date.parse(`${days[0]}T00:00:00Z`) - 86_400_000);
    const hi = new Date(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + 2 * 86_400_000);
    await q.query(
      `insert into site_daily (site_id, day, visits, customer_visits, staff_visits, unique_customers, new_customers,
          returning_customers, dwell_sum, dwell_count)
       select v.site_id, x.day, count(*)::int,
          count(*) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'staff')::int,
          count(distinct v.person_id) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'customer' and not v.is_returning)::int,
          count(*) filter (where v.kind = 'customer' and v.is_returning)::int,
          coalesce(sum(v.dwell_seconds) filter (where v.kind = 'customer' and v.status = 'closed'), 0),
          count(*) filter (where v.kind = 'customer' and v.status = 'closed')::int
       from visits v
       join sites s on s.id = v.site_id
       cross join lateral (select (v.arrived_at at time zone s.timezone)::date as day) x
       join jsonb_to_recordset($1::jsonb) as r(site_id text, day date) on r.site_id = v.site_id and r.day = x.day
       where v.site_id = any($2::text[]) and v.arrived_at >= $3 and v.arrived_at < $4
       group by v.site_id, x.day`,
      [json, [...new Set(dirty.rows.map((r) => r.site_id))], lo, hi],
    );
    return dirty.rows.length;
  });
}
