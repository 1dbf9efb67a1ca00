/**
 * `npm run -s bench:hq`: HQ's page and its report API on the real PostgreSQL. Creates a throw-away
 * database, runs cloud-sync as a child process (the real main.js serving the built page), provisions
 * 100 sites × 10 boxes through the claim API with fleet-sim's health round, and prints one JSON line last:
 *   fleetRenderMs {p50,p95}  navigation → fleet of 1,000 devices on screen, Debian's chromium at 4× CPU throttling
 *   reportApiP95Ms           every call the Reports page makes (7-day default period, all sites), at STORED_VISITS
 *   bundleKbGzip             the whole built page (dist/ui-hq/assets), gzip; bundleInitialKbGzip: what the first load needs
 * BENCH_STORED_VISITS (default 10,000,000) sets the stored visits; they are bulk-loaded by bench-database.ts, as bench:cloud's are.
 * Everything is dropped at the end. Progress goes to stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import { createOrganisationWithAdmin } from '../../cloud-sync/src/admin.js';
import { hqPageDir } from '../../cloud-sync/src/app.js';
import type { Db } from '../../cloud-sync/src/db/types.js';
import { percentile, roundTo } from '../../device/src/util/stats.js';
import { prng } from '../fleet-sim/generate.js';
import { sendHealthRound } from '../fleet-sim/health.js';
import { startInstance } from '../fleet-sim/instances.js';
import { provisionFleet } from '../fleet-sim/provision.js';
import { benchOnThrowawayDatabase, DAY, isoDay, loadStoredVisits, today } from './bench-database.js';

const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 15);
const REPORT_ROUNDS = 20;
const PASSWORD = 'bench password 1234';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const say = (msg: string) => process.stderr.write(`[bench:hq] ${msg}\n`);

/** Gzip sizes of the built page: everything, and the entry chunk + CSS the first load fetches. */
function bundleSizes(): { all: number; initial: number } {
  const assets = join(hqPageDir, 'assets');
  const gz = (f: string) => gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
  const index = readFileSync(join(hqPageDir, 'index.html'), 'utf8');
  const initial = files.filter((f) => index.includes(f));
  const kb = (n: number) => roundTo(n / 1024, 1);
  return { all: kb(files.reduce((s, f) => s + gz(f), 0)), initial: kb(initial.reduce((s, f) => s + gz(f), 0)) };
}

async function fleetRender(url: string, email: string, devices: number): Promise<{ render: number[]; api: number[] }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'main' }).waitFor({ timeout: 60_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const times: number[] = [];
    const api: number[] = [];
    for (let i = 0; i <= RENDER_RUNS; i++) {
      await page.goto('/', { waitUntil: 'commit' });
      await page.waitForFunction(() => performance.getEntriesByName('hq-fleet-rendered').length > 0, undefined, { timeout: 120_000 });
      const shown = await page.locator('#fleet-count').textContent();
      if (!shown?.includes(`of ${devices.toLocaleString('en')}`)) throw new Error(`fleet shows "${shown}", expected ${devices} devices`);
      const ms = await page.evaluate(() => performance.getEntriesByName('hq-fleet-rendered')[0].startTime);
      const fetchMs = await page.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('/api/fleet/devices'))?.duration ?? -1);
      if (i > 0) {
        // The first load warms the HTTP cache, as a returning user's browser is.
        times.push(ms);
        api.push(fetchMs);
      }
    }
    return { render: times, api };
  } finally {
    await browser.close();
  }
}

async function timed(url: string, token: string, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return performance.now() - t0;
}

async function run(dbUrl: string, db: Db, children: ChildProcess[]) {
  const one = await startInstance(dbUrl);
  children.push(one.proc);
  const admin = await createOrganisationWithAdmin(db, 'Bench', 'bench@bench.example');
  const accept = await fetch(`${one.url}/api/session/invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: admin.invite.code, password: PASSWORD }),
  });
  if (!accept.ok) throw new Error(`invite: ${accept.status}`);
  say('provisioning 100 sites × 10 devices through the claim API, then one health round');
  const fleet = await provisionFleet(one.url, admin.token, 100, 10);
  const health = await sendHealthRound([one.url], fleet, prng(3));
  if (health.failures) throw new Error(`health round: ${health.errors.join('; ')}`);

  say(`fleet page: ${RENDER_RUNS} loads of ${fleet.length} devices at 4× CPU throttling`);
  const render = await fleetRender(one.url, admin.email, fleet.length);

  const perSite = fleet.filter((_, i) => i % 10 === 0);
  const stored = await loadStoredVisits(db, perSite, say);

  say(`reports: ${REPORT_ROUNDS} rounds of the Reports page's calls through HTTP`);
  const names = ['summary', 'visits&granularity=day', 'dwell', 'demographics', 'heatmap', 'peak-hours', 'comparison', 'staff-attendance'];
  const samples: number[] = [];
  const byName: Record<string, number[]> = {};
  for (let i = 0; i < REPORT_ROUNDS; i++) {
    const to = today - i * 7 * DAY;
    const range = `from=${isoDay(to - 6 * DAY)}&to=${isoDay(to)}`;
    for (const n of names) {
      const [name, extra] = n.split('&');
      const ms = await timed(one.url, admin.token, `/api/reports/${name}?${range}${extra ? `&${extra}` : ''}`);
      samples.push(ms);
      (byName[name] ??= []).push(ms);
    }
  }
  const bundle = bundleSizes();
  return {
    fleetRenderMs: { p50: roundTo(percentile(render.render, 50), 0), p95: roundTo(percentile(render.render, 95), 0) },
    fleetApiMs: { p50: roundTo(percentile(render.api, 50), 0), p95: roundTo(percentile(render.api, 95), 0) },
    reportApiP95Ms: roundTo(percentile(samples, 95), 1),
    reportApiP50Ms: roundTo(percentile(samples, 50), 1),
    reportP95MsByName: Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, roundTo(percentile(v, 95), 1)])),
    bundleKbGzip: bundle.all,
    bundleInitialKbGzip: bundle.initial,
    devices: fleet.length,
    cpuThrottling: 4,
    renderRuns: render.render.length,
    reportCalls: samples.length,
    ...stored,
  };
}

await benchOnThrowawayDatabase('cva_bench_hq', say, run);
