import { pipeline } from 'node:stream/promises';
import { LocalReport, ReportQuery, VisitPage } from '../../contracts/http.js';
import { VisitFilterParams } from '../../visits/visit-filter.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

export function visitRoutes(deps: HttpDeps): AnyRoute[] {
  const visits = () => need(deps.visits, 'visit records');
  return [
    route({
      method: 'get',
      path: '/api/v1/visits',
      tag: 'visits',
      summary: 'Visits, newest first, filtered, with cursor paging',
      access: 'visits.read',
      query: VisitFilterParams,
      response: { schema: VisitPage },
      async handle({ query }) {
        return unwrap(await visits().list(query));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/visits/export.csv',
      tag: 'visits',
      summary: 'Every visit matching the filters as CSV, streamed (limit and cursor are ignored)',
      access: 'visits.export',
      query: VisitFilterParams,
      response: { contentType: 'text/csv', description: 'CSV with a header row' },
      async handle({ query, res, audit }) {
        const rows = unwrap(visits().exportCsv(query));
        const { limit: _l, cursor: _c, ...filters } = query;
        await audit('visits.exported', null, { filters });
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
      summary: 'Customer visits by hour and day, new vs returning, dwell, demographics (default: the last 7 days)',
      access: 'reports.read',
      query: ReportQuery,
      response: { schema: LocalReport },
      async handle({ query }) {
        return unwrap(await visits().report(query));
      },
    }),
  ];
}
