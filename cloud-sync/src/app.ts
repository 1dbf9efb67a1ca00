import express, { type Express } from 'express';
import type { Db } from './db/types.js';
import { adminRoutes } from './http/admin-routes.js';
import type { BalenaFleet } from './balena/balena-fleet.js';
import { balenaRoutes } from './balena/balena-routes.js';
import { deviceRoutes } from './http/device-routes.js';
import { reportRoutes } from './http/report-routes.js';
import { requireUser } from './auth.js';
import { VisitPartitions } from './partitions.js';
import { createLogger } from '../../device/src/util/log.js';
import { errorHandler, routeNotFound } from '../../device/src/util/http-errors.js';

/** The whole HTTP API over one database; holds no state of its own, so instances scale out. */
export function createApp(db: Db, balena: BalenaFleet | null = null): Express {
  const log = createLogger('cloud');
  const app = express();
  app.disable('x-powered-by');
  // A 1,000-item batch of visits is ~1 MB; leave head-room for heartbeats with many cameras.
  app.use(express.json({ limit: '8mb' }));
  app.get('/healthz', async (_req, res) => {
    await db.query('select 1');
    res.json({ ok: true, db: db.kind });
  });
  app.use(deviceRoutes(db, new VisitPartitions(db)));
  app.use('/api', requireUser(db));
  app.use(adminRoutes(db));
  app.use(reportRoutes(db, balena));
  app.use(balenaRoutes(db, balena));
  app.use(routeNotFound);
  app.use(errorHandler(log));
  return app;
}
