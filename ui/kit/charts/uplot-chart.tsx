/** The uPlot wrapper. Loaded only by pages that chart (see chart.tsx), so uPlot stays out of the first bundle. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartProps } from './chart.js';

const palette = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function options(p: ChartProps, width: number): uPlot.Options {
  const text = cssVar('--muted');
  const grid = cssVar('--border');
  const bars = p.kind === 'bars' ? uPlot.paths.bars!({ size: [0.7 / Math.max(1, p.series.length), 40], align: 0 }) : undefined;
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  return {
    width,
    height: p.height ?? 220,
    legend: { show: p.series.length > 1 },
    cursor: { drag: { x: false, y: false } },
    ...(p.time && p.timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), p.timeZone!) } : {}),
    scales: { x: { time: p.time ?? false, range: p.kind === 'bars' && !p.time ? (_u, min, max) => [min - 0.5, max + 0.5] : undefined } },
    axes: [
      {
        ...axis,
        values: p.xLabels ? (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (p.xLabels![v] ?? '') : '')) : undefined,
      },
      { ...axis, size: 50, values: p.yFormat ? (_u, splits) => splits.map(p.yFormat!) : undefined },
    ],
    series: [
      {},
      ...p.series.map((s, i) => ({
        label: s.label,
        stroke: cssVar(palette[i % palette.length]),
        fill: p.kind === 'bars' || p.fill ? cssVar(palette[i % palette.length]) + (p.kind === 'bars' ? 'cc' : '33') : undefined,
        width: p.kind === 'bars' ? 0 : 2,
        paths: bars,
        points: { show: false },
      })),
    ],
  };
}

export default function UPlotChart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const data: uPlot.AlignedData = [p.x, ...p.series.map((s) => s.values)];
    plot.current?.destroy();
    plot.current = new uPlot(options(p, el.clientWidth || 300), data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: p.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [p.x, p.series, p.kind, p.height]);
  return <div ref={box} class="chart" role="img" aria-label={p.label} data-points={p.x.length} />;
}
