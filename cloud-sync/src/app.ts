import express, { type Express } from 'express';
import type { Db } from './db/types.js';
import { adminRoutes } from './http/admin-routes.js';
import type { BalenaFleet } from './balena/balena-fleet.js';
import { balenaRoutes } from './balena/balena-routes.js';
import { alertRoutes } from './http/alert-routes.js';
import { deviceRoutes } from './http/device-routes.js';
import { reportRoutes } from './http/report-routes.js';
import { sessionRoutes } from './http/session-routes.js';
import { requireUser } from './auth.js';
import { VisitPartitions } from './partitions.js';
import { SignIn } from './people/sign-in.js';
import { createLogger } from '../../device/src/util/log.js';
import { errorHandler, routeNotFound } from '../../device/src/util/http-errors.js';
import type { LoginLimits } from '../../device/src/util/login-limiter.js';
import { repoRoot } from '../../device/src/util/paths.js';
import { mountStaticUi } from '../../device/src/util/static-ui.js';
import { resolve } from 'node:path';

/** Where `npm run build:ui` puts HQ's page (scripts/build-ui.mjs, page `hq`). */
export const hqPageDir = resolve(repoRoot, 'dist', 'ui-hq');

export interface AppOptions {
  loginLimits?: LoginLimits;
  /** The built HQ page (default dist/ui-hq). */
  pageDir?: string;
  /** balena-sdk's view of the fleet (BALENA_API_KEY + BALENA_FLEET); null: heartbeats alone. */
  balena?: BalenaFleet | null;
}

/** The whole HTTP API and HQ's page over one database; holds no state of its own, so instances scale out. */
export function createApp(db: Db, opts: AppOptions = {}): Express {
  const balena = opts.balena ?? null;
  const log = createLogger('cloud');
  const app = express();
  app.disable('x-powered-by');
  // Behind a TLS-terminating proxy, `req.secure` (Secure cookies) follows X-Forwarded-Proto.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  // A 1,000-item batch of visits is ~1 MB; leave head-room for heartbeats with many cameras.
  app.use(express.json({ limit: '8mb' }));
  app.get('/healthz', async (_req, res) => {
    await db.query('select 1');
    res.json({ ok: true, db: db.kind });
  });
  app.use(deviceRoutes(db, new VisitPartitions(db)));
  app.use(sessionRoutes(db, new SignIn(db, opts.loginLimits)));
  app.use('/api', requireUser(db));
  app.use(adminRoutes(db));
  app.use(reportRoutes(db, balena));
  app.use(balenaRoutes(db, balena));
  app.use(alertRoutes(db));
  // HQ's page at / (strict CSP, the same serving as the appliance's page).
  mountStaticUi(app, { dir: opts.pageDir ?? hqPageDir });
  app.use(routeNotFound);
  app.use(errorHandler(log));
  return app;
}
