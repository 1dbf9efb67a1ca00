/** The uPlot wrapper. Loaded only by pages that chart (see chart.tsx), so uPlot stays out of the first bundle. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartColour, type ChartProps } from './chart.js';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Stacked bars draw cumulative sums, the last series at the back. */
function dataOf(p: ChartProps): uPlot.AlignedData {
  if (!p.stacked) return [p.x, ...p.series.map((s) => s.values)];
  const sums = p.x.map(() => 0);
  const stacked = p.series.map((s) => s.values.map((v, i) => (sums[i] += v ?? 0)));
  return [p.x, ...stacked.reverse()];
}

function options(p: ChartProps, width: number): uPlot.Options {
  const text = cssVar('--muted');
  const grid = cssVar('--border');
  const bars = p.kind === 'bars' ? uPlot.paths.bars!({ size: [0.7, 40], align: 0 }) : undefined;
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const series = p.series.map((s, i) => {
    const colour = cssVar(chartColour(i));
    return {
      label: s.label,
      stroke: colour,
      fill: p.kind === 'bars' ? colour : p.fill ? colour + '33' : undefined,
      width: p.kind === 'bars' ? 0 : 2,
      paths: bars,
      points: { show: p.x.length < 3 },
    };
  });
  return {
    width,
    height: p.height ?? 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    ...(p.time && p.timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), p.timeZone!) } : {}),
    scales: {
      x: { time: p.time ?? false, range: p.kind === 'bars' && !p.time ? (_u, min, max) => [min - 0.5, max + 0.5] : undefined },
      y: { range: (_u, _min, max) => [0, p.yMax ?? Math.max(1, max * 1.1)] },
    },
    axes: [
      // Categories: a label per bar when they fit (every 2nd, 3rd… otherwise), never between bars.
      p.xLabels
        ? { ...axis, space: Math.max(28, 8 + 7 * Math.max(...p.xLabels.map((l) => l.length))), incrs: [1, 2, 3, 4, 6, 12], values: (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? (p.xLabels![v] ?? '') : '')) }
        : axis,
      // Counts (bars) tick on whole numbers only.
      { ...axis, size: 50, incrs: p.kind === 'bars' ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] : undefined, values: p.yFormat ? (_u, splits) => splits.map(p.yFormat!) : undefined },
    ],
    // Stacked: the totals (last series) are drawn first so each lower layer shows in front.
    series: [{}, ...(p.stacked ? [...series].reverse() : series)],
  };
}

export default function UPlotChart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Built once per shape; new data only calls setData (a live chart updated every few seconds stays one object).
  const shape = `${p.kind}|${p.series.length}|${p.height}|${p.time}|${(p.xLabels ?? []).join(',')}`;
  useEffect(() => {
    const el = box.current!;
    plot.current = new uPlot(options(p, el.clientWidth || 300), dataOf(p), el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: p.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);
  useEffect(() => {
    plot.current?.setData(dataOf(p));
  }, [p.x, p.series]);
  return <div ref={box} class="chart" style={{ minHeight: `${p.height ?? 220}px` }} role="img" aria-label={p.label} data-points={p.x.length} />;
}
