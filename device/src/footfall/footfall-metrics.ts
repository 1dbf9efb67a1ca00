import type { FootfallCounts } from '../contracts/footfall.js';
import type { MetricFamily } from '../health/prometheus.js';

/** Footfall as Prometheus families (`cva_footfall_*`); none when the appliance has no footfall counter. */
export function footfallMetrics(c: FootfallCounts | null): MetricFamily[] {
  if (!c) return [];
  const gauge = (name: string, help: string, value: number | null): MetricFamily => ({ name, help, type: 'gauge', samples: value === null ? [] : [{ value }] });
  return [
    gauge('cva_footfall_entries_today', 'People counted in today (site timezone)', c.entriesToday),
    gauge('cva_footfall_exits_today', 'People counted out today (site timezone)', c.exitsToday),
    gauge('cva_footfall_occupancy', 'People inside now', c.occupancyNow),
    gauge('cva_footfall_capture_rate_today', 'Share of today\'s entrants whose face was identified or recognised', c.captureRateToday),
    {
      name: 'cva_footfall_zone_occupancy',
      help: 'People in each counting zone now',
      type: 'gauge',
      samples: c.zones.map((z) => ({ labels: { camera: z.cameraId, zone: z.zoneId }, value: z.occupancy })),
    },
  ];
}
