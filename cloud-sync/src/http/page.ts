import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';
import { repoRoot } from '../../../device/src/util/paths.js';

/** Where the HQ page is built to (scripts/build-ui.mjs, page `hq`). */
export const hqPageDir = resolve(repoRoot, 'dist', 'ui-hq');

/**
 * Strict CSP: scripts, styles and data only from this origin, no inline script or style (the build
 * inlines nothing), images also as data: URLs (the claim sheet's QR code), no framing.
 */
export const HQ_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves HQ's web page at `/`: hashed assets (immutable), and index.html for every other GET that is not
 * an API route, so deep links (/fleet/dev_…) load the page. Without a build it says how to make one.
 */
export function pageRoutes(dir = hqPageDir): Router {
  const r = Router();
  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', HQ_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  r.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  r.get(/^\/(?!api\/|healthz$).*/, (req, res, next) => {
    if (req.path.includes('.') && req.path !== '/index.html') return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The HQ page is not built: run `npm run build:ui` (or `npm run setup`).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  r.use(express.static(dir, { index: false }));
  return r;
}
