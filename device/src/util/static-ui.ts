import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import { repoRoot } from './paths.js';

/** Where `npm run build` (scripts/build-ui.mjs) puts the appliance's web page. */
export const defaultUiDir = (): string => resolve(repoRoot, 'dist', 'ui');

/**
 * The page's Content-Security-Policy: only our own scripts, styles, images and API (same origin), no
 * inline script, no framing. `img-src blob:` lets the page preview photos before uploading them.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the page never answers: the API, metrics and MQTT over WebSocket keep their own 404s. */
const NOT_THE_PAGE = /^\/(api|metrics|mqtt)(\/|$)/;

export interface StaticUiOptions {
  /** Built page folder (index.html + assets/). */
  dir?: string;
}

/**
 * Serves the built page: hashed files under /assets are immutable for a year; every other GET that
 * is not an API path answers the HTML shell (client-side routes: /cameras, /visits…), never cached so
 * an update is picked up at the next load. Without a build it answers a plain 503 saying how to build.
 */
export function mountStaticUi(app: Express, opts: StaticUiOptions = {}): void {
  const dir = opts.dir ?? defaultUiDir();
  const indexPath = join(dir, 'index.html');
  // Re-read when the file changes, so a rebuild (new asset hashes) is served without a restart.
  let shell: { mtimeMs: number; html: Buffer } | null = null;
  const readShell = (): Buffer | null => {
    try {
      const { mtimeMs } = statSync(indexPath);
      if (shell?.mtimeMs !== mtimeMs) shell = { mtimeMs, html: readFileSync(indexPath) };
      return shell.html;
    } catch {
      return null;
    }
  };
  const security = (res: Response) => res.set({ 'Content-Security-Policy': UI_CSP, 'X-Frame-Options': 'DENY' });

  app.use(
    '/assets',
    (_req: Request, res: Response, next: NextFunction) => {
      security(res);
      next();
    },
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      etag: false,
    }),
  );

  // A middleware, not a route: the page is not part of the API's route table (nor its OpenAPI document).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_PAGE.test(req.path) || req.path.startsWith('/assets/')) return next();
    // A missing file with an extension (favicon.ico, a stale asset) is a 404, not the shell.
    if (/\.[a-z0-9]{1,8}$/i.test(req.path) && req.path !== '/index.html') return next();
    const html = readShell();
    security(res);
    res.set('Cache-Control', 'no-store');
    if (!html) {
      res.status(503).type('text/plain').send('The web page is not built: run `npm run build` (or `npm run setup`).\n');
      return;
    }
    res.status(200).type('html').send(html);
  });
}
