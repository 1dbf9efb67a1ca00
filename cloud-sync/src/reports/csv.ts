import { csvField } from '../../../device/src/util/csv.js';
import type { Writable } from 'node:stream';
import type { Db } from '../db/types.js';
import type { ReportRange } from './range.js';
import { IN_PERIOD } from './queries.js';

export const CSV_COLUMNS = [
  'site_id', 'site_name', 'visit_id', 'person_id', 'kind', 'arrived_local', 'departed_local', 'timezone', 'dwell_seconds',
  'visit_number', 'returning', 'age_median', 'gender', 'cameras', 'status',
] as const;
const PAGE = 5000;

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
}

/**
 * Streams the period's visit rows as CSV, page by page (keyset on site, arrival, visit id), honouring
 * back-pressure, so an export of millions of rows never sits in memory. Local times are in each site's zone.
 */
export async function streamVisitsCsv(db: Db, r: ReportRange, out: Writable): Promise<number> {
  await write(out, CSV_COLUMNS.join(',') + '\r\n');
  let after: [string, Date, string] | null = null;
  let total = 0;
  for (;;) {
    const res: { rows: Array<Record<string, unknown> & { site_id: string; arrived_at: Date; visit_id: string }> } = await db.query(
      `with b as (
         select id as site_id, name, timezone as tz, ($2::date::timestamp at time zone timezone) as lo,
                (($3::date + 1)::timestamp at time zone timezone) as hi
         from sites where id = any($1::text[]))
       select v.site_id, b.name as site_name, v.visit_id, v.person_id, v.kind, v.arrived_at,
         to_char(v.arrived_at at time zone b.tz, 'YYYY-MM-DD HH24:MI:SS') as arrived_local,
         to_char(v.departed_at at time zone b.tz, 'YYYY-MM-DD HH24:MI:SS') as departed_local, b.tz as timezone,
         v.dwell_seconds, v.visit_number, v.is_returning as returning, v.age_median, v.gender, array_to_string(v.cameras, ' ') as cameras, v.status
       from b join visits v on ${IN_PERIOD}
       where $4::text is null or (v.site_id, v.arrived_at, v.visit_id) > ($4::text, $5::timestamptz, $6::text)
       order by v.site_id, v.arrived_at, v.visit_id limit ${PAGE}`,
      [r.siteIds, r.from, r.to, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null],
    );
    if (res.rows.length === 0) break;
    let chunk = '';
    for (const row of res.rows) chunk += CSV_COLUMNS.map((c) => csvField(row[c])).join(',') + '\r\n';
    await write(out, chunk);
    total += res.rows.length;
    const last = res.rows[res.rows.length - 1];
    after = [last.site_id, last.arrived_at, last.visit_id];
    if (res.rows.length < PAGE) break;
  }
  return total;
}
