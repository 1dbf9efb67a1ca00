import type { Db } from '../../cloud-sync/src/db/types.js';
import { VisitPartitions } from '../../cloud-sync/src/partitions.js';
import { refreshRollup } from '../../cloud-sync/src/rollup.js';
import type { SimDevice } from './generate.js';

const DAY = 86_400_000;

/**
 * Stores `total` closed visits spread evenly over the `days` before `endDay` (08:00–20:00 UTC),
 * round-robin over the given sites, generated inside PostgreSQL with generate_series (no rows
 * travel over the wire). Two loaders on two connections take 500,000-row slices in time order.
 * Then the daily rollup is computed through the service's own refresh code.
 */
export async function bulkLoadVisits(
  db: Db,
  sites: SimDevice[],
  total: number,
  days: number,
  endDay: number,
  progress: (loaded: number) => void,
): Promise<{ loadSeconds: number; rollupSeconds: number }> {
  const start = endDay - days * DAY;
  const months: Date[] = [];
  for (let t = start; t <= endDay; t += 20 * DAY) months.push(new Date(t));
  await new VisitPartitions(db).ensure([...months, new Date(endDay)]);
  const t0 = performance.now();
  const slice = 500_000;
  let next = 1;
  let loaded = 0;
  const loader = async () => {
    while (next <= total) {
      const lo = next;
      next += slice;
      const hi = Math.min(total, lo + slice - 1);
      await db.query(
        `insert into visits (device_id, visit_id, site_id, person_id, kind, arrived_at, last_seen_at, departed_at, dwell_seconds,
            cameras, detections, age_median, gender, demo_samples, visit_number, is_returning, status, status_rank, last_item_key)
         select ($1::text[])[1 + g % $3], 'bulk-' || g, ($2::text[])[1 + g % $3],
            case when r1 < 0.05 then 'S-' || (g % 8) else 'C-' || floor(r2 * 5000)::int end,
            case when r1 < 0.05 then 'staff' else 'customer' end,
            t, t + make_interval(secs => dw), t + make_interval(secs => dw), dw, '{door}', 5,
            16 + floor(r2 * 60), case when r3 < 0.5 then 'male' else 'female' end, 3,
            case when r3 < 0.4 then 2 else 1 end, r3 < 0.4, 'closed', 1, 'bulk'
         from (select g, random() as r1, random() as r2, random() as r3, 60 + floor(random() * 2340) as dw,
                 $4::timestamptz + make_interval(days => (g / $5)::int) + make_interval(secs => 28800 + random() * 43200) as t
               from generate_series($6::bigint, $7::bigint) g) s`,
        [sites.map((s) => s.deviceId), sites.map((s) => s.siteId), sites.length, new Date(start), Math.ceil(total / days), lo, hi],
      );
      loaded += hi - lo + 1;
      progress(loaded);
    }
  };
  await Promise.all([loader(), loader()]);
  await db.query('analyze visits');
  const loadSeconds = (performance.now() - t0) / 1000;

  const r0 = performance.now();
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  await db.query(
    `insert into rollup_dirty(site_id, day) select s.id, d::date from sites s
     cross join generate_series($1::date - 1, $2::date + 1, interval '1 day') d where s.id = any($3::text[])
     on conflict do nothing`,
    [iso(start), iso(endDay), sites.map((s) => s.siteId)],
  );
  const ids = sites.map((s) => s.siteId);
  const half = Math.ceil(ids.length / 2);
  await Promise.all([refreshRollup(db, ids.slice(0, half)), refreshRollup(db, ids.slice(half))]);
  return { loadSeconds, rollupSeconds: (performance.now() - r0) / 1000 };
}
