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
    await q.query(
      `insert into site_daily (site_id, day, visits, customer_visits, staff_visits, unique_customers, new_customers,
          returning_customers, dwell_sum, dwell_count)
       select r.site_id, r.day, count(*)::int,
          count(*) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'staff')::int,
          count(distinct v.person_id) filter (where v.kind = 'customer')::int,
          count(*) filter (where v.kind = 'customer' and not v.is_returning)::int,
          count(*) filter (where v.kind = 'customer' and v.is_returning)::int,
          coalesce(sum(v.dwell_seconds) filter (where v.kind = 'customer' and v.status = 'closed'), 0),
          count(*) filter (where v.kind = 'customer' and v.status = 'closed')::int
       from jsonb_to_recordset($1::jsonb) as r(site_id text, day date)
       join sites s on s.id = r.site_id
       join visits v on v.site_id = r.site_id
          and v.arrived_at >= (r.day::timestamp at time zone s.timezone)
          and v.arrived_at < ((r.day + 1)::timestamp at time zone s.timezone)
       group by r.site_id, r.day`,
      [json],
    );
    return dirty.rows.length;
  });
}
