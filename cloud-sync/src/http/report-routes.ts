import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/types.js';
import { scopeSites, userOf } from '../auth.js';
import { deviceDetail, listFleet } from '../fleet.js';
import type { BalenaFleet } from '../balena/balena-fleet.js';
import { withBalenaView } from '../balena/fleet-view.js';
import { streamVisitsCsv } from '../reports/csv.js';
import {
  comparison, demographics, dwellDistribution, footfallSeries, heatmap, peakHours, siteSummaries, staffAttendance, visitSeries,
} from '../reports/queries.js';
import { localToday, parseGranularity, parseRange, type ReportRange } from '../reports/range.js';
import { HttpError } from '../../../device/src/util/http-errors.js';

/** "Today" for a default period: the latest calendar day among the sites' time zones (UTC without sites). */
async function todayOf(db: Db, siteIds: string[]): Promise<string> {
  const zones = await db.query<{ timezone: string }>('select distinct timezone from sites where id = any($1::text[])', [siteIds]);
  const days = zones.rows.map((z) => localToday(z.timezone));
  return days.length ? days.sort().at(-1)! : localToday('UTC');
}

async function rangeOf(db: Db, req: Request, res: Response): Promise<ReportRange> {
  const siteIds = scopeSites(userOf(res), req.query.sites);
  const q = req.query as Record<string, unknown>;
  return parseRange(siteIds, q, q.from && q.to ? '' : await todayOf(db, siteIds));
}

/** Reports and fleet views; must be mounted after the user authentication middleware. */
export function reportRoutes(db: Db, balena: BalenaFleet | null = null): Router {
  const r = Router();
  const report = (path: string, fn: (range: ReportRange, req: Request) => Promise<unknown>) =>
    r.get(`/api/reports/${path}`, async (req, res) => {
      const range = await rangeOf(db, req, res);
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
    const range = await rangeOf(db, req, res);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="visits-${range.from}-${range.to}.csv"`);
    await streamVisitsCsv(db, range, res);
    res.end();
  });
  r.get('/api/fleet/devices', async (req, res) => {
    res.json(await withBalenaView(db, balena, await listFleet(db, scopeSites(userOf(res), req.query.sites))));
  });
  r.get('/api/fleet/devices/:deviceId', async (req, res) => {
    const hours = req.query.hours === undefined ? 24 : Number(req.query.hours);
    if (!Number.isInteger(hours) || hours < 1 || hours > 720) throw new HttpError(400, 'invalid_request', 'hours: a whole number 1–720');
    res.json(await deviceDetail(db, userOf(res).siteIds, String(req.params.deviceId), hours));
  });
  return r;
}
