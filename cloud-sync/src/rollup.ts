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
    // Keys as 'site|day' text: `= any(array)` on a constant array is hashed by PostgreSQL, which
    // stays fast for tens of thousands of dirty days where a join on a function scan would not.
    const keys = dirty.rows.map((r) => `${r.site_id}|${r.day}`);
    const sites = [...new Set(dirty.rows.map((r) => r.site_id))];
    const days = dirty.rows.map((r) => r.day).sort();
    const first = days[0];
    const last = days[days.length - 1];
    await q.query(
      `delete from site_daily where site_id = any($1::text[]) and day between $2::date and $3::date
         and (site_id || '|' || day::text) = any($4::text[])`,
      [sites, first, last, keys],
    );
    // One pass over the affected sites' rows from the first to the last dirty day (±1 day covers
    // every timezone), grouped by local day.
    const lo = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000);
    const hi = new Date(Date.parse(`${last}T00:00:00Z`) + 2 * 86_400_000);
    await q.query(
      `insert into site_daily (site_id, day, visits, customer_visits, staff_visits, unique_customers, new_customers,
          returning_customers, dwell_sum, dwell_count)
       select v.site_id, (v.arrived_at at time zone s.timezone)::date as day, count(*)::int,
          count(*) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'staff')::int,
          count(distinct v.person_id) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'customer' and not v.is_returning)::int,
          count(*) filter (where v.kind = 'customer' and v.is_returning)::int,
          coalesce(sum(v.dwell_seconds) filter (where v.kind = 'customer' and v.status = 'closed'), 0),
          count(*) filter (where v.kind = 'customer' and v.status = 'closed')::int
       from visits v join sites s on s.id = v.site_id
       where v.site_id = any($1::text[]) and v.arrived_at >= $2 and v.arrived_at < $3
         and (v.site_id || '|' || ((v.arrived_at at time zone s.timezone)::date)::text) = any($4::text[])
       group by 1, 2`,
      [sites, lo, hi, keys],
    );
    return dirty.rows.length;
  });
}
