import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../cloud-sync/src/db/types.js';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { AGE_BANDS, DWELL_BINS } from '../../cloud-sync/src/reports/queries.js';
import type { CloudVisit } from '../../device/src/contracts/sync.js';
import { rng } from '../../scripts/bench/search.js';
import { api, makeTestDb, newOrg, siteWithDevice, startCloud, type DbKind, type TestDb } from './harness.js';
import { batch, visit, visitItemOf } from './fixtures.js';

type Site = Awaited<ReturnType<typeof siteWithDevice>>;

/** The raw-row figures of a period per site, as the reports computed them before the rollup answered them. */
const RAW_SUMMARY = `with b as (select id, timezone as tz, ($2::date::timestamp at time zone timezone) as lo,
     (($3::date + 1)::timestamp at time zone timezone) as hi from sites where id = any($1::text[]))
  select b.id as site_id,
    count(v.visit_id) filter (where v.kind = 'customer')::int as visits,
    count(distinct v.person_id) filter (where v.kind = 'customer')::int as uniq,
    count(v.visit_id) filter (where v.kind = 'customer' and not v.is_returning)::int as new_v,
    count(v.visit_id) filter (where v.kind = 'customer' and v.is_returning)::int as ret_v,
    count(v.visit_id) filter (where v.kind = 'staff')::int as staff,
    count(v.visit_id) filter (where v.kind = 'unidentified')::int as unid,
    (percentile_cont(0.5) within group (order by v.dwell_seconds) filter (where v.kind = 'customer' and v.status = 'closed'))::float8 as median,
    (avg(v.dwell_seconds) filter (where v.kind = 'customer' and v.status = 'closed'))::float8 as mean
  from b left join visits v on v.site_id = b.id and v.arrived_at >= b.lo and v.arrived_at < b.hi
  group by b.id`;

/** The customer visits of the period with their local time, for the other raw figures. */
const RAW_CUSTOMERS = `select v.site_id, v.person_id, v.dwell_seconds, v.status, v.age_median, v.gender,
    to_char(v.arrived_at at time zone s.timezone, 'YYYY-MM-DD') as day,
    extract(isodow from v.arrived_at at time zone s.timezone)::int as dow, extract(hour from v.arrived_at at time zone s.timezone)::int as hour
  from visits v join sites s on s.id = v.site_id
  where v.site_id = any($1::text[]) and v.kind = 'customer'
    and v.arrived_at >= ($2::date::timestamp at time zone s.timezone) and v.arrived_at < (($3::date + 1)::timestamp at time zone s.timezone)`;

interface RawCustomer {
  site_id: string;
  person_id: string;
  dwell_seconds: number;
  status: string;
  age_median: number | null;
  gender: string | null;
  day: string;
  dow: number;
  hour: number;
}

const PERIODS: Array<[string, string]> = [
  ['2026-01-01', '2026-02-28'],
  ['2026-01-10', '2026-01-16'],
  ['2026-01-20', '2026-02-06'],
  ['2026-02-03', '2026-02-03'],
  ['2026-01-28', '2026-02-24'],
];

/**
 * The reports answer from the daily rollup (site_daily, site_person_days); here every figure is held against
 * the same figure computed from the raw visit rows, after visits arrive late and out of order, are re-sent, are
 * closed later, change kind (a customer folded into staff), move their arrival, are forgotten, and after a site's
 * timezone changes. Unique visitors must be exact over any range; the median dwell within its stated resolution.
 */
export function rollupSuite(kind: DbKind): void {
  describe(`report rollups against the raw rows on ${kind}`, () => {
    let t: TestDb;
    let db: Db;
    let server: CloudServer;
    let url: string;
    let admin: string;
    let sites: Site[];
    const visitsOf = new Map<string, CloudVisit[]>();

    const ingest = async (s: Site, items: unknown[]) => {
      for (let i = 0; i < items.length; i += 500) {
        const r = await api(url, 'POST', '/api/ingest', s.deviceToken, batch(s.deviceId, s.siteId, items.slice(i, i + 500)));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.rejected, 0, r.text);
      }
    };
    const report = async (name: string, from: string, to: string, extra = '') => {
      const r = await api(url, 'GET', `/api/reports/${name}?from=${from}&to=${to}&sites=${sites.map((s) => s.siteId).join(',')}${extra}`, admin);
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };

    /** Every rollup-backed report for every period, against the raw rows. */
    async function assertMatchesRaw(stage: string) {
      const ids = sites.map((s) => s.siteId);
      for (const [from, to] of PERIODS) {
        const at = `${stage}, ${from}..${to}`;
        const raw = new Map((await db.query<Record<string, any>>(RAW_SUMMARY, [ids, from, to])).rows.map((x) => [x.site_id, x]));
        const summary = await report('summary', from, to);
        for (const s of summary) {
          const x = raw.get(s.siteId)!;
          assert.deepEqual(
            [s.visits, s.uniqueVisitors, s.newVisitors, s.returningVisitors, s.staffVisits, s.unidentifiedVisits],
            [x.visits, x.uniq, x.new_v, x.ret_v, x.staff, x.unid],
            `summary counts ${at}`,
          );
          if (x.median === null) assert.equal(s.medianDwellSeconds, null, at);
          else assert.ok(Math.abs(s.medianDwellSeconds - x.median) <= s.medianDwellResolutionSeconds / 2, `median ${s.medianDwellSeconds} ± ${s.medianDwellResolutionSeconds / 2} vs ${x.median} ${at}`);
          if (x.mean === null) assert.equal(s.meanDwellSeconds, null, at);
          else assert.ok(Math.abs(s.meanDwellSeconds - x.mean) < 1e-6, `mean ${at}`);
        }
        const comparison = await report('comparison', from, to);
        for (const c of comparison.sites) assert.equal(c.uniqueVisitors, raw.get(c.siteId)!.uniq, `comparison ${at}`);

        const rows = (await db.query<RawCustomer>(RAW_CUSTOMERS, [ids, from, to])).rows;
        // Distinct persons per site and week / month (buckets clipped to the period), never a sum of days.
        for (const g of ['day', 'week', 'month'] as const) {
          const series: Array<{ siteId: string; bucket: string; visits: number; uniqueVisitors: number }> = await report('visits', from, to, `&granularity=${g}`);
          const bucketOf = (day: string) => {
            if (g === 'day') return day;
            if (g === 'month') return day.slice(0, 7);
            const d = new Date(`${day}T00:00:00Z`);
            return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
          };
          const persons = new Map<string, Set<string>>();
          const visits = new Map<string, number>();
          for (const x of rows) {
            const key = `${x.site_id} ${bucketOf(x.day)}`;
            persons.set(key, (persons.get(key) ?? new Set()).add(x.person_id));
            visits.set(key, (visits.get(key) ?? 0) + 1);
          }
          for (const b of series) {
            const key = `${b.siteId} ${b.bucket}`;
            assert.deepEqual([b.visits, b.uniqueVisitors], [visits.get(key) ?? 0, persons.get(key)?.size ?? 0], `${g} ${key} ${at}`);
          }
          assert.equal(series.reduce((s, b) => s + b.visits, 0), rows.length, `${g} total ${at}`);
        }

        const closed = rows.filter((x) => x.status === 'closed').map((x) => x.dwell_seconds);
        const dwell = await report('dwell', from, to);
        const bins = DWELL_BINS.map((lo, i) => closed.filter((d) => d >= lo && d < (DWELL_BINS[i + 1] ?? Infinity)).length);
        assert.deepEqual(dwell.bins.map((b: { visits: number }) => b.visits), bins, `dwell bins ${at}`);
        const sorted = [...closed].sort((a, b) => a - b);
        const exact = sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.floor(sorted.length / 2)]) / 2 : null;
        if (exact === null) assert.equal(dwell.medianSeconds, null);
        else assert.ok(Math.abs(dwell.medianSeconds - exact) <= dwell.medianResolutionSeconds / 2, `dwell median ${at}`);

        const demo = await report('demographics', from, to);
        const band = (age: number | null) => (age === null ? null : AGE_BANDS[[18, 25, 35, 45, 55, 65].filter((b) => age >= b).length]);
        for (const b of demo.ageBands) {
          const inBand = rows.filter((x) => band(x.age_median) === b.band);
          assert.deepEqual([b.male, b.female, b.total], [inBand.filter((x) => x.gender === 'male').length, inBand.filter((x) => x.gender === 'female').length, inBand.length], `age ${b.band} ${at}`);
        }
        assert.equal(demo.unknownAge, rows.filter((x) => x.age_median === null).length, `unknown age ${at}`);

        const heat = await report('heatmap', from, to);
        const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
        for (const x of rows) cells[x.dow - 1][x.hour]++;
        assert.deepEqual(heat.cells, cells, `heatmap ${at}`);
        const peaks: Array<{ hour: number; visits: number }> = await report('peak-hours', from, to);
        const byHour = cells.reduce((acc, row) => row.map((n, h) => n + acc[h]), new Array<number>(24).fill(0));
        const top = byHour.map((n, hour) => ({ hour, visits: n })).filter((x) => x.visits > 0).sort((a, b) => b.visits - a.visits || a.hour - b.hour).slice(0, 3);
        assert.deepEqual(peaks.map((p) => ({ hour: p.hour, visits: p.visits })), top, `peak hours ${at}`);
      }
    }

    before(async () => {
      t = await makeTestDb(kind);
      db = t.db;
      ({ server, url } = await startCloud(db));
      admin = (await newOrg(db, 'Rollup')).token;
      sites = [
        await siteWithDevice(url, admin, 'Paris', 'Europe/Paris'),
        await siteWithDevice(url, admin, 'New York', 'America/New_York'),
      ];
      // Per site: 40 customers over 59 days (Jan–Feb 2026), some staff, some faces never identified, some still open.
      const rnd = rng(14);
      const start = Date.parse('2026-01-01T00:00:00Z');
      for (const s of sites) {
        const list: CloudVisit[] = [];
        for (let i = 0; i < 450; i++) {
          const kind = rnd() < 0.06 ? 'staff' : rnd() < 0.05 ? 'unidentified' : 'customer';
          const person = kind === 'staff' ? `S-${Math.floor(rnd() * 3)}` : kind === 'unidentified' ? `U-${i}` : `C-${Math.floor(rnd() * 40)}`;
          // Around the clock, so local days and UTC days differ at both sites.
          const arrived = start + Math.floor(rnd() * 59 * 86_400_000);
          const dwell = Math.floor(5 + rnd() * rnd() * 7200);
          const open = rnd() < 0.08;
          list.push(visit({
            id: `${s.siteId}-v${i}`, personId: person, kind, arrivedAt: new Date(arrived).toISOString(),
            departedAt: open ? null : new Date(arrived + dwell * 1000 + Math.floor(rnd() * 1000)).toISOString(),
            returning: rnd() < 0.5, age: rnd() < 0.2 ? null : Math.floor(10 + rnd() * 70), gender: rnd() < 0.15 ? null : rnd() < 0.5 ? 'male' : 'female',
          }));
        }
        visitsOf.set(s.siteId, list);
      }
    });
    after(async () => {
      await server?.stop();
      await t?.cleanup();
    });

    it('visits arriving late and out of order, and re-sent, give the raw rows\' figures', async () => {
      for (const s of sites) {
        // Newest days first, so every older day arrives after later days were rolled up.
        const list = [...visitsOf.get(s.siteId)!].sort((a, b) => b.arrivedAt.localeCompare(a.arrivedAt));
        const third = Math.ceil(list.length / 3);
        await ingest(s, list.slice(0, third).map((v) => visitItemOf(v)));
        await report('summary', '2026-01-01', '2026-02-28');
        await ingest(s, list.slice(third).map((v) => visitItemOf(v)));
        // The same items again: nothing changes.
        await ingest(s, list.slice(0, 50).map((v) => visitItemOf(v)));
      }
      await assertMatchesRaw('first ingest');
    });

    it('visits closed later, a customer folded into staff, a moved arrival and a forgotten person keep them true', async () => {
      const [p, n] = sites;
      const later = (v: CloudVisit, changes: Partial<CloudVisit>): CloudVisit => ({ ...v, detections: v.detections + 1, ...changes });
      for (const s of sites) {
        const list = visitsOf.get(s.siteId)!;
        const closing = list.filter((v) => v.status === 'open').map((v) => {
          const end = Date.parse(v.lastSeenAt) + 600_000;
          return later(v, { status: 'closed', lastSeenAt: new Date(end).toISOString(), departedAt: new Date(end).toISOString(), dwellSeconds: (end - Date.parse(v.arrivedAt)) / 1000 });
        });
        assert.ok(closing.length > 0);
        await ingest(s, closing.map((v) => visitItemOf(v, 'end')));
      }
      // C-3 at Paris turns out to be staff: the box re-sends their visits as staff visits.
      const folded = visitsOf.get(p.siteId)!.filter((v) => v.personId === 'C-3').map((v) => later(v, { kind: 'staff', personId: 'S-9' }));
      assert.ok(folded.length > 0);
      await ingest(p, folded.map((v) => visitItemOf(v, 'update')));
      // A New York visit's arrival is corrected by two days (a clock fixed on the box).
      const moved = visitsOf.get(n.siteId)!.find((v) => v.kind === 'customer' && v.status === 'closed')!;
      const shift = (iso: string | null) => (iso ? new Date(Date.parse(iso) - 2 * 86_400_000).toISOString() : null);
      await ingest(n, [visitItemOf(later(moved, { arrivedAt: shift(moved.arrivedAt)!, lastSeenAt: new Date(Date.parse(moved.lastSeenAt) + 1000).toISOString(), departedAt: new Date(Date.parse(moved.departedAt!) + 1000).toISOString(), dwellSeconds: moved.dwellSeconds + 2 * 86_400 + 1 }), 'end')]);
      // C-5 in New York is forgotten: their visits take a tombstone, and the rollup forgets the old id too.
      const forget = { key: 'forget:F-0123456789ab', kind: 'forget', at: new Date().toISOString(), payload: { personId: 'C-5', tombstone: 'F-0123456789ab' } };
      await ingest(n, [forget]);
      await assertMatchesRaw('after updates');
      await report('summary', '2026-01-01', '2026-02-28');
      const kept = await db.query<{ n: number }>(
        `select count(*)::int as n from site_person_days where (site_id, person_id) in (($1, 'C-3'), ($2, 'C-5'))`,
        [p.siteId, n.siteId],
      );
      assert.equal(kept.rows[0].n, 0);
      const tomb = await db.query<{ n: number }>(`select count(*)::int as n from site_person_days where person_id = 'F-0123456789ab'`);
      assert.ok(tomb.rows[0].n > 0);
    });

    it('a site\'s new timezone re-buckets every day of its rollup', async () => {
      const r = await api(url, 'PATCH', `/api/sites/${sites[0].siteId}`, admin, { timezone: 'Asia/Tokyo' });
      assert.equal(r.status, 200, r.text);
      await assertMatchesRaw('after a timezone change');
    });
  });
}
