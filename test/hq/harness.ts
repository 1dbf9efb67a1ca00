/**
 * Browser tests of HQ's page: cloud-sync in this process on a real PostgreSQL schema or a temp-dir
 * PGlite (test/cloud/harness.ts), Debian's chromium through playwright-core (test/ui/harness.ts).
 * Screenshots go to test-output/hq-screens/ (docs/hq-screens/ holds the copies shown in docs/hq.md).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../cloud-sync/src/db/types.js';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import type { Logger } from '../../device/src/util/log.js';
import { repoRoot } from '../../device/src/util/paths.js';
import { makeTestDb, startCloud, type DbKind, type TestDb } from '../cloud/harness.js';

export { launchBrowser, seriousViolations } from '../ui/harness.js';
export const screensDir = join(repoRoot, 'test-output', 'hq-screens');
export const ADMIN = { email: 'boss@acme.example', password: 'correct horse battery', organisation: 'Acme Retail' };

/** Log lines of the in-process service (the set-up code is read from them, as a person reads the log). */
function captureLog(lines: string[]): Logger {
  const l: Logger = {
    debug: () => undefined,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(m),
    error: (m) => void lines.push(m),
    child: () => l,
  };
  return l;
}

export interface Hq {
  t: TestDb;
  db: Db;
  server: CloudServer;
  url: string;
  lines: string[];
  setupCode(): string;
  close(): Promise<void>;
}

export async function startHq(kind: DbKind): Promise<Hq> {
  const t = await makeTestDb(kind);
  const lines: string[] = [];
  const { server, url } = await startCloud(t.db, {
    log: captureLog(lines),
    alertIntervalMs: 2_000,
    deliveryIntervalMs: 500,
    deliveryBackoff: { baseMs: 500, maxMs: 2_000 },
    // Many sign-ins from 127.0.0.1 in one run; the lockout itself is tested in test/cloud.
    loginLimits: { maxFailures: 5, lockMs: 60_000, maxLockMs: 600_000, perAddress: 10_000, windowMs: 60_000 },
  });
  return {
    t,
    db: t.db,
    server,
    url,
    lines,
    setupCode() {
      const m = lines.map((l) => /SET-UP CODE: (\S+)/.exec(l)).find(Boolean);
      if (!m) throw new Error('no set-up code in the log');
      return m[1];
    },
    async close() {
      await server.stop();
      await t.cleanup();
    },
  };
}

export const DESKTOP = { width: 1360, height: 900 };
export { PHONE } from '../ui/harness.js';

export function newContext(browser: Browser, url: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL: url, viewport: DESKTOP, acceptDownloads: true, colorScheme: 'light' });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'main' }).waitFor({ timeout: 30_000 });
}

/** The page from its top, at most 1,800 px tall (a 1,000-row fleet would otherwise be a poster). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screensDir, { recursive: true });
  const path = join(screensDir, `${name}.png`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 1800) } });
  return path;
}
