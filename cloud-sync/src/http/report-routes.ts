import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/types.js';
import { scopeSites, userOf } from '../auth.js';
import { listFleet } from '../fleet.js';
import type { BalenaFleet } from '../balena/balena-fleet.js';
import { withBalenaView } from '../balena/fleet-view.js';
import { streamVisitsCsv } from '../reports/csv.js';
import {
  comparison, demographics, dwellDistribution, footfallSeries, heatmap, peakHours, siteSummaries, staffAttendance, visitSeries,
} from '../reports/queries.js';
import { parseGranularity, parseRange, type ReportRange } from '../reports/range.js';

const rangeOf = (req: Request, res: Response): ReportRange =>
  parseRange(scopeSites(userOf(res), req.query.sites), req.query as Record<string, unknown>);

/** Reports and fleet views; must be mounted after the user authentication middleware. */
export function reportRoutes(db: Db, balena: BalenaFleet | null = null): Router {
  const r = Router();
  const report = (path: string, fn: (range: ReportRange, req: Request) => Promise<unknown>) =>
    r.get(`/api/reports/${path}`, async (req, res) => {
      const range = rangeOf(req, res);
      res.json({ from: range.from, to: range.to, siteIds: range.siteIds, data: await fn(range, req) });
    });
  report('visits', (range, req) => visitSeries(db, range, parseGranularity(req.query.granularity)));
  report('summary', (range) => siteSummaries(db, range));
  report('dwell', (range) => dwellDistribution(db, range));
  report('staff-attendance', (range) => staffAttendance(db, range));
  report('demographics', (range) => demographics(db, range));
  report('heatmap', (range) => heatmap(db, range));
  report('peak-hours', (range) => peakHours(db, range));
  report('comparison', (range) => comparison(db, range));
  report('footfall', (range, req) => footfallSeries(db, range, parseGranularity(req.query.granularity)));
  r.get('/api/reports/visits.csv', async (req, res) => {
    const range = rangeOf(req, res);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="visits-${range.from}-${range.to}.csv"`);
    await streamVisitsCsv(db, range, res);
    res.end();
  });
  r.get('/api/fleet/devices', async (req, res) => {
    res.json(await withBalenaView(db, balena, await listFleet(db, scopeSites(userOf(res), req.query.sites))));
  });
  return r;
}
