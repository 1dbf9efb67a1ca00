/**
 * Reports across the visible sites or one site: visits, unique visitors, new vs returning, visits per
 * day, dwell, age and gender, weekday × hour heatmap, peak hours, and a site comparison ranked by any
 * column. The period defaults to the last 7 days (the server's default); times are each site's local time.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Chart, Heatmap } from '../../kit/charts/chart.js';
import { Async, Empty } from '../../kit/components/feedback.js';
import { Button } from '../../kit/components/forms.js';
import { Card, Page, Stat } from '../../kit/components/layout.js';
import { SortableTable } from '../../kit/components/sortable-table.js';
import { useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type {
  ComparisonReport, ComparisonRow, DemographicsReport, DwellReport, HeatmapReport, PeakHour, ReportAnswer, SiteSummary, SiteView, VisitBucket,
} from '../contracts.js';
import { downloadCsv } from '../csv.js';
import { queryParams, ReportFilters, type ReportQuery } from '../report-filters.js';
import { S } from '../strings.js';

interface Reports {
  summary: ReportAnswer<SiteSummary[]>;
  daily: VisitBucket[];
  dwell: DwellReport;
  demographics: DemographicsReport;
  heatmap: HeatmapReport;
  peaks: PeakHour[];
  comparison: ComparisonReport;
}

async function load(q: ReportQuery): Promise<Reports> {
  const p = queryParams(q);
  const summary = await api.get<ReportAnswer<SiteSummary[]>>('/reports/summary', p);
  // Every other report over exactly the period the first one settled on.
  const same = { ...p, from: summary.from, to: summary.to };
  const get = <T,>(name: string, extra: Record<string, string> = {}) => api.get<ReportAnswer<T>>(`/reports/${name}`, { ...same, ...extra }).then((r) => r.data);
  const [daily, dwell, demographics, heatmap, peaks, comparison] = await Promise.all([
    get<VisitBucket[]>('visits', { granularity: 'day' }),
    get<DwellReport>('dwell'),
    get<DemographicsReport>('demographics'),
    get<HeatmapReport>('heatmap'),
    get<PeakHour[]>('peak-hours'),
    get<ComparisonReport>('comparison'),
  ]);
  return { summary, daily, dwell, demographics, heatmap, peaks, comparison };
}

/** A median dwell with the resolution of the bins it was read from. */
const withResolution = (seconds: number | null, resolution: number | null) =>
  seconds === null ? fmt.duration(null) : `${fmt.duration(seconds)} (${S.reports.dwellResolution(resolution)})`;
/** The tile's large figure is the median; its resolution rides below it in small type. */
const medianTile = (seconds: number | null, resolution: number | null) =>
  seconds === null ? (
    fmt.duration(null)
  ) : (
    <>
      {fmt.duration(seconds)} <span class="small muted">{S.reports.dwellResolution(resolution)}</span>
    </>
  );
const pct = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${fmt.number(n, 1)} %`);
const dwellLabel = (b: DwellReport['bins'][number]) => (b.toSeconds === null ? `${b.fromSeconds / 60}+ min` : `${b.fromSeconds / 60}–${b.toSeconds / 60} min`);

function Comparison({ c, from, to }: { c: ComparisonReport; from: string; to: string }) {
  const cols = S.reports.cols;
  const table = [
    { key: 'site', label: cols.site, render: (r: ComparisonRow) => r.siteName, sortValue: (r: ComparisonRow) => r.siteName.toLowerCase() },
    { key: 'visits', label: cols.visits, numeric: true, render: (r: ComparisonRow) => fmt.number(r.visits), sortValue: (r: ComparisonRow) => r.visits },
    { key: 'prev', label: cols.previous, numeric: true, render: (r: ComparisonRow) => fmt.number(r.previousVisits), sortValue: (r: ComparisonRow) => r.previousVisits },
    { key: 'change', label: cols.change, numeric: true, render: (r: ComparisonRow) => pct(r.visitsChangePercent), sortValue: (r: ComparisonRow) => r.visitsChangePercent },
    { key: 'unique', label: cols.unique, numeric: true, render: (r: ComparisonRow) => fmt.number(r.uniqueVisitors), sortValue: (r: ComparisonRow) => r.uniqueVisitors },
    { key: 'dwell', label: cols.dwell, numeric: true, render: (r: ComparisonRow) => withResolution(r.medianDwellSeconds, r.medianDwellResolutionSeconds), sortValue: (r: ComparisonRow) => r.medianDwellSeconds },
  ];
  const csv = () =>
    downloadCsv(
      `site-comparison-${from}-${to}.csv`,
      ['site', 'visits', 'previous_visits', 'visits_change_percent', 'unique_visitors', 'previous_unique_visitors', 'median_dwell_seconds', 'median_dwell_resolution_seconds'],
      c.sites.map((r) => [r.siteName, r.visits, r.previousVisits, r.visitsChangePercent, r.uniqueVisitors, r.previousUniqueVisitors, r.medianDwellSeconds, r.medianDwellResolutionSeconds]),
    );
  return (
    <Card title={S.reports.comparison} actions={<Button onClick={csv}>{S.reports.tableCsv}</Button>}>
      <p class="small muted">{c.previous.from} – {c.previous.to} → {c.period.from} – {c.period.to}. {S.reports.dwellNote}</p>
      <SortableTable caption={S.reports.comparison} columns={table} rows={c.sites} rowKey={(r) => r.siteId} initial={{ key: 'visits', desc: true }} empty={S.reports.noSites} />
    </Card>
  );
}

function Body({ r }: { r: Reports }) {
  const t = r.summary.data.reduce(
    (a, s) => ({ visits: a.visits + s.visits, unique: a.unique + s.uniqueVisitors, fresh: a.fresh + s.newVisitors, back: a.back + s.returningVisitors }),
    { visits: 0, unique: 0, fresh: 0, back: 0 },
  );
  const days = [...new Set(r.daily.map((b) => b.bucket))].sort();
  const perDay = days.map((d) => r.daily.filter((b) => b.bucket === d).reduce((s, b) => s + b.visits, 0));
  const zones = [...new Set(r.summary.data.map((s) => s.timezone))];
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  return (
    <>
      <p class="small muted">{S.reports.period(r.summary.from, r.summary.to)}{zones.length ? ` (${zones.join(', ')})` : ''}</p>
      {t.visits === 0 ? (
        <Empty>{S.reports.empty}</Empty>
      ) : (
        <>
          <div class="stats">
            <Stat label={S.reports.visits} value={fmt.number(t.visits)} />
            <Stat label={S.reports.unique} value={fmt.number(t.unique)} />
            <Stat label={S.reports.newVisitors} value={fmt.number(t.fresh)} />
            <Stat label={S.reports.returning} value={fmt.number(t.back)} />
            <Stat label={S.reports.medianDwell} value={medianTile(r.dwell.medianSeconds, r.dwell.medianResolutionSeconds)} hint={S.reports.dwellNote} />
          </div>
          <div class="grid wide">
            <Card><Chart label={S.reports.perDay} kind="bars" x={days.map((_, i) => i)} xLabels={days.map((d) => d.slice(5))} series={[{ label: S.reports.visits, values: perDay }]} /></Card>
            <Card><Chart label={S.reports.dwell} kind="bars" x={r.dwell.bins.map((_, i) => i)} xLabels={r.dwell.bins.map(dwellLabel)} series={[{ label: S.reports.visits, values: r.dwell.bins.map((b) => b.visits) }]} /></Card>
            <Card>
              <Chart
                label={S.reports.ageGender}
                kind="bars"
                x={r.demographics.ageBands.map((_, i) => i)}
                xLabels={r.demographics.ageBands.map((b) => b.band)}
                series={[
                  { label: S.reports.female, values: r.demographics.ageBands.map((b) => b.female) },
                  { label: S.reports.male, values: r.demographics.ageBands.map((b) => b.male) },
                  { label: S.reports.unknown, values: r.demographics.ageBands.map((b) => b.unknownGender) },
                ]}
              />
              <p class="small muted bars-legend">{S.reports.unknownAge}: {fmt.number(r.demographics.unknownAge)}</p>
            </Card>
            <Card title={S.reports.peak}>
              {r.peaks.length ? <ol>{r.peaks.map((p) => <li key={p.hour}>{S.reports.peakLine(p.hour, p.visits, p.meanPerSiteDay)}</li>)}</ol> : <Empty>{S.reports.noPeak}</Empty>}
            </Card>
          </div>
          <Card><Heatmap label={S.reports.heatmap} rows={r.heatmap.weekdays} columns={hours} values={r.heatmap.cells} describe={(d, h, n) => S.reports.heatCell(d, h, n)} /></Card>
        </>
      )}
      <Comparison c={r.comparison} from={r.summary.from} to={r.summary.to} />
    </>
  );
}

export default function ReportsPage() {
  const sites = useApi(() => api.get<{ sites: SiteView[] }>('/sites'), []);
  const [q, setQ] = useState<ReportQuery>({ site: '', from: '', to: '' });
  const reports = useApi(() => load(q), [q.site, q.from, q.to]);
  const period = reports.data ? { from: reports.data.summary.from, to: reports.data.summary.to } : { from: q.from, to: q.to };
  // A non-empty `download` also keeps preact-iso's router from taking the click as a page change.
  const csvHref = api.url('/reports/visits.csv', { ...queryParams(q), from: period.from || undefined, to: period.to || undefined });
  return (
    <Page title={S.reports.title} actions={<a class="button" href={csvHref} download={`visits-${period.from}-${period.to}.csv`}>{S.reports.csv}</a>}>
      <ReportFilters key={`${period.from}|${period.to}|${q.site}`} sites={sites.data?.sites ?? []} value={{ site: q.site, ...period }} onApply={setQ} />
      <Async resource={reports}>{(r) => <Body r={r} />}</Async>
    </Page>
  );
}
