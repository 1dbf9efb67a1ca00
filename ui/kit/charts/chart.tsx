/**
 * Charts. `Chart` lazy-loads uPlot the first time a page draws one; `Heatmap` is plain markup (a grid
 * of cells whose shade is the value), so it needs no library.
 */
import { Suspense, lazy } from 'preact/compat';
import { Loading } from '../components/feedback.js';
import { fmt, kitStrings as S } from '../strings.js';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

export interface ChartProps {
  /** Accessible description of what the chart shows. */
  label: string;
  kind: 'line' | 'bars';
  /** x values: indices for categories (then give xLabels), or unix seconds with `time`. */
  x: number[];
  xLabels?: string[];
  time?: boolean;
  /** With `time`: draw the time axis in this IANA zone (e.g. a site's) instead of the browser's. */
  timeZone?: string;
  series: ChartSeries[];
  height?: number;
  fill?: boolean;
  /** Bars of several series stacked (e.g. new + returning visits per day). */
  stacked?: boolean;
  yMax?: number;
  yFormat?: (v: number) => string;
  /** Fewer points than this show the empty state (a time series needs two to draw a line). */
  minPoints?: number;
  /** Text of the empty state (default: no data in this range). */
  emptyText?: string;
}

const PALETTE = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];
export const chartColour = (i: number) => PALETTE[i % PALETTE.length];

const UPlotChart = lazy(() => import('./uplot-chart.js'));

export function Chart(p: ChartProps) {
  const hasData = p.x.length >= (p.minPoints ?? 1) && p.series.some((s) => s.values.some((v) => v !== null && (p.time || v !== 0)));
  return (
    <figure style={{ margin: 0 }}>
      <figcaption class="chart-title">{p.label}</figcaption>
      {hasData ? (
        <Suspense fallback={<Loading />}>
          <UPlotChart {...p} />
        </Suspense>
      ) : (
        <div class="empty">{p.emptyText ?? S.chartNoData}</div>
      )}
      {p.series.length > 1 && (
        <div class="legend">
          {p.series.map((s, i) => (
            <span key={s.label}>
              <span class="swatch" style={{ background: `var(${chartColour(i)})` }} />
              {s.label}: {p.time ? fmt.number(s.values.filter((v) => v !== null).at(-1), 1) : s.values.reduce<number>((a, v) => a + (v ?? 0), 0)}
            </span>
          ))}
        </div>
      )}
    </figure>
  );
}

/** rows × columns of counts; the darkest cell is the maximum. */
export function Heatmap({ label, rows, columns, values, describe }: { label: string; rows: string[]; columns: string[]; values: number[][]; describe: (row: string, col: string, v: number) => string }) {
  const max = Math.max(1, ...values.flat());
  return (
    <figure style={{ margin: 0 }}>
      <figcaption class="chart-title">{label}</figcaption>
      <div class="heatmap" role="table" aria-label={label}>
        <div role="row" style={{ display: 'contents' }}>
          <span role="columnheader" />
          {columns.map((c, i) => (
            <span role="columnheader" key={c} class="hdr">{i % 3 === 0 ? c : ''}</span>
          ))}
        </div>
        {rows.map((r, ri) => (
          <div role="row" key={r} style={{ display: 'contents' }}>
            <span role="rowheader" class="hdr">{r}</span>
            {columns.map((c, ci) => {
              const v = values[ri]?.[ci] ?? 0;
              const shade = v === 0 ? undefined : `color-mix(in srgb, var(--chart-1) ${Math.round(15 + (85 * v) / max)}%, transparent)`;
              return <span role="cell" key={c} class="cell" title={describe(r, c, v)} aria-label={describe(r, c, v)} style={shade ? { background: shade } : undefined} />;
            })}
          </div>
        ))}
      </div>
    </figure>
  );
}
