import { ReportQuery } from '../../contracts/http.js';
import { FootfallCounts, FootfallReport } from '../../contracts/footfall.js';
import type { FootfallCounter } from '../../footfall/footfall-counter.js';
import { buildFootfallReport } from '../../footfall/footfall-report.js';
import { HttpError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

/** What the footfall routes read (the FootfallCounter has it). */
export type FootfallReader = Pick<FootfallCounter, 'counts' | 'hours' | 'timezone'>;

const DAY_MS = 86_400_000;

export function footfallRoutes(deps: HttpDeps): AnyRoute[] {
  const footfall = () => need(deps.footfall, 'footfall');
  return [
    route({
      method: 'get',
      path: '/api/v1/footfall',
      tag: 'reports',
      summary: 'Footfall now: entries and exits today and this hour, occupancy, capture rate, zones',
      access: 'reports.read',
      response: { schema: FootfallCounts },
      async handle() {
        return footfall().counts();
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/footfall',
      tag: 'reports',
      summary: 'People counted in and out by hour and day, and the capture rate (default: the last 7 days)',
      access: 'reports.read',
      query: ReportQuery,
      response: { schema: FootfallReport },
      async handle({ query }) {
        const to = query.to ? Date.parse(query.to) : Date.now();
        const from = query.from ? Date.parse(query.from) : to - 7 * DAY_MS;
        if (from >= to) throw new HttpError(400, 'validation_failed', 'from must be before to');
        if (to - from > 400 * DAY_MS) throw new HttpError(400, 'validation_failed', 'to: reports cover at most 400 days');
        const f = footfall();
        return buildFootfallReport(f.hours(from, to), { from, to, timezone: f.timezone() });
      },
    }),
  ];
}
