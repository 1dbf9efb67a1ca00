import { pipeline } from 'node:stream/promises';
import { LocalReport, ReportQuery, VisitPage, VisitQuery } from '../../contracts/http.js';
import { HttpError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

const DAY_MS = 86_400_000;

export function visitRoutes(deps: HttpDeps): AnyRoute[] {
  const visits = () => need(deps.visits, 'visit records');
  return [
    route({
      method: 'get',
      path: '/api/v1/visits',
      tag: 'visits',
      summary: 'Visits, newest first, filtered, with cursor paging',
      access: 'visits.read',
      query: VisitQuery,
      response: { schema: VisitPage },
      async handle({ query }) {
        checkRange(query.from, query.to);
        return visits().list(query);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/visits/export.csv',
      tag: 'visits',
      summary: 'All visits matching the filters as CSV (streamed)',
      access: 'visits.export',
      query: VisitQuery.omit({ cursor: true, limit: true }),
      response: { contentType: 'text/csv', description: 'CSV with a header row' },
      async handle({ query, res, audit }) {
        checkRange(query.from, query.to);
        const rows = visits().exportCsv(query);
        await audit('visits.exported', null, { filters: query });
        res.status(200);
        res.set('Content-Type', 'text/csv; charset=utf-8');
        res.set('Content-Disposition', 'attachment; filename="visits.csv"');
        await pipeline(rows, res);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/local',
      tag: 'reports',
      summary: 'Visits by hour and day, new vs returning, dwell distribution, demographics (customers only)',
      access: 'reports.read',
      query: ReportQuery,
      response: { schema: LocalReport },
      async handle({ query }) {
        const to = query.to ?? new Date().toISOString();
        const from = query.from ?? new Date(Date.parse(to) - 7 * DAY_MS).toISOString();
        checkRange(from, to);
        return need(deps.reports, 'reports').report({ from, to });
      },
    }),
  ];
}

function checkRange(from?: string, to?: string): void {
  if (from && to && Date.parse(from) > Date.parse(to)) throw new HttpError(400, 'validation_failed', '`from` is after `to`');
}
