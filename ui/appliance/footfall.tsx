/** Footfall views (people counted by their bodies): the overview's tile and the report's in/out chart. */
import { api, type Query } from '../kit/api.js';
import { Async, Empty } from '../kit/components/feedback.js';
import { Card, Stat } from '../kit/components/layout.js';
import { Chart } from '../kit/charts/chart.js';
import { useApi, useInterval } from '../kit/hooks.js';
import { fmt } from '../kit/strings.js';
import type { CameraList, FootfallCounts, FootfallReport } from '../kit/contracts.js';
import { S } from './strings.js';

/** True when at least one enabled camera runs person detection (analyse persons or both), so footfall is counted. */
export function countsPersons(cameras: CameraList | null): boolean {
  return !!cameras?.items.some((c) => c.config.enabled && c.config.analyse !== 'faces');
}

const rate = (r: number | null) => fmt.percent(r === null ? null : 100 * r);

/** Entries today, occupancy now and today's capture rate, refreshed every 30 s. */
export function FootfallTile() {
  const counts = useApi(() => api.get<FootfallCounts>('/footfall'));
  useInterval(counts.reload, 30_000);
  return (
    <Card title={S.overview.footfall}>
      <Async resource={counts}>
        {(c) => (
          <div class="stats">
            <Stat label={S.overview.entriesToday} value={fmt.number(c.entriesToday)} />
            <Stat label={S.overview.occupancyNow} value={fmt.number(c.occupancyNow)} />
            <Stat label={S.overview.captureRate} value={rate(c.captureRateToday)} />
          </div>
        )}
      </Async>
    </Card>
  );
}

/** The range's people in and out (per local hour for one day, per day otherwise) and capture rate. */
export function FootfallReportCard({ range, counting }: { range: Query; counting: boolean }) {
  return <Card title={S.reports.footfall}>{counting ? <FootfallRange range={range} /> : <Empty>{S.reports.noFootfallCamera}</Empty>}</Card>;
}

function FootfallRange({ range }: { range: Query }) {
  const report = useApi(() => api.get<FootfallReport>('/reports/footfall', range), [JSON.stringify(range)]);
  return <Async resource={report}>{(r) => <FootfallBody r={r} />}</Async>;
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** One day's stored hours folded into the site's 24 local hours (the report's hours are UTC hour starts). */
function byLocalHour(r: FootfallReport): Array<{ entries: number; exits: number }> {
  const hourOf = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: r.timezone });
  const rows = HOURS.map(() => ({ entries: 0, exits: 0 }));
  for (const h of r.hours) {
    const row = rows[Number(hourOf.format(new Date(h.hour))) % 24];
    row.entries += h.entries;
    row.exits += h.exits;
  }
  return rows;
}

function FootfallBody({ r }: { r: FootfallReport }) {
  const hourly = r.byDay.length <= 1;
  const labels = hourly ? HOURS : r.byDay.map((d) => d.date.slice(5));
  const rows = hourly ? byLocalHour(r) : r.byDay;
  return (
    <>
      <div class="stats">
        <Stat label={S.reports.footfallIn} value={fmt.number(r.totals.entries)} />
        <Stat label={S.reports.footfallOut} value={fmt.number(r.totals.exits)} />
        <Stat label={S.reports.footfallCaptured} value={fmt.number(r.totals.captured)} />
        <Stat label={S.reports.captureRate} value={rate(r.totals.captureRate)} />
      </div>
      {/* Lines, not bars: the kit's bars stack or overlap, and in and out are not parts of one whole. */}
      <Chart
        label={hourly ? S.reports.footfallByHour : S.reports.footfallByDay}
        kind="line"
        x={labels.map((_, i) => i)}
        xLabels={labels}
        series={[
          { label: S.reports.footfallIn, values: rows.map((h) => h.entries) },
          { label: S.reports.footfallOut, values: rows.map((h) => h.exits) },
        ]}
      />
    </>
  );
}
