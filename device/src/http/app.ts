import express, { type Express } from 'express';
import { createLogger } from '../util/log.js';
import { RequestMetrics } from '../health/request-metrics.js';
import { errorHandler, routeNotFound } from '../util/http-errors.js';
import { mountRoute } from './register.js';
import { UploadGate } from './upload-gate.js';
import { buildOpenApi } from './openapi.js';
import { route, type AnyRoute } from './route.js';
import type { HttpDeps } from './deps.js';
import { authRoutes } from './routes/auth.js';
import { setupRoutes } from './routes/setup.js';
import { settingsRoutes } from './routes/settings.js';
import { cameraRoutes } from './routes/cameras.js';
import { customerRoutes, staffRoutes } from './routes/people.js';
import { visitRoutes } from './routes/visits.js';
import { footfallRoutes } from './routes/footfall.js';
import { reviewRoutes } from './routes/review.js';
import { mqttAccountRoutes, userRoutes } from './routes/accounts.js';
import { systemRoutes } from './routes/system.js';
import { liveRoutes } from './routes/live.js';
import { placementRoutes } from './routes/placement.js';
import { enrolmentRoutes } from './routes/enrolment.js';
import { forgetRoutes } from './routes/forget.js';
import { backupRoutes } from './routes/backup.js';
import { mountStaticUi } from '../util/static-ui.js';
import { balenaRoutes } from './routes/balena.js';
import { z } from 'zod';

export interface HttpApp {
  app: Express;
  /** Every route the server answers, the single source of the OpenAPI document. */
  routes: readonly AnyRoute[];
  openapi: Record<string, unknown>;
}

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The route table: every group, in one list, plus the OpenAPI document route itself. */
export function routeTable(deps: HttpDeps, requests: RequestMetrics, openapi: () => Record<string, unknown>): AnyRoute[] {
  return [
    ...authRoutes(deps),
    ...setupRoutes(deps),
    ...settingsRoutes(deps),
    ...cameraRoutes(deps),
    ...staffRoutes(deps),
    ...customerRoutes(deps),
    ...visitRoutes(deps),
    ...footfallRoutes(deps),
    ...reviewRoutes(deps),
    ...placementRoutes(deps),
    ...enrolmentRoutes(deps),
    ...forgetRoutes(deps),
    ...backupRoutes(deps),
    ...userRoutes(deps),
    ...mqttAccountRoutes(deps),
    ...systemRoutes(deps, requests),
    ...balenaRoutes(deps),
    ...liveRoutes(deps),
    route({
      method: 'get',
      path: OPENAPI_PATH,
      tag: 'system',
      summary: 'This OpenAPI document',
      access: 'public',
      response: { schema: z.record(z.string(), z.unknown()) },
      async handle() {
        return openapi();
      },
    }),
  ];
}

/**
 * The OpenAPI document without a running appliance: route factories only touch their
 * dependencies inside handlers, so the table can be built from an empty dependency object.
 */
export function apiDocument(version: string): Record<string, unknown> {
  const routes = routeTable({} as HttpDeps, new RequestMetrics(), () => ({}));
  return buildOpenApi(routes, { version });
}

/** Builds the express app: security headers, metrics, every route (auth checked first), OpenAPI, one error shape. */
export function createHttpApp(deps: HttpDeps): HttpApp {
  const log = deps.log ?? createLogger('http');
  const requests = new RequestMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' });
    next();
  });
  app.use(requests.middleware());

  const routes = routeTable(deps, requests, () => openapi);
  const openapi = buildOpenApi(routes, { version: deps.version });
  const uploads = new UploadGate();
  for (const r of routes) mountRoute(app, r, deps.accounts, uploads);
  // The web page after every API route, so it never shadows one.
  if (deps.uiDir !== null) mountStaticUi(app, { dir: deps.uiDir });

  app.use(routeNotFound);
  app.use(errorHandler(log, { onNoSpace: () => deps.storage?.noteNoSpace() }));
  return { app, routes, openapi };
}
