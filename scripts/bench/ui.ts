// `npm run -s bench:ui`: the web page's figures in one JSON object (last line).
// - bundleKbGzip: gzip size of what the signed-in overview loads (initial) and of the whole built page (total);
// - firstRenderMs: navigation start → overview heading and stat tiles in the DOM, chromium at 4× CPU throttling
//   (CDP Emulation.setCPUThrottlingRate), p50/p95 over 10 loads;
// - heapMb: the overview's JS heap (after a forced GC) after 1 minute and after BENCH_UI_MINUTES (default 3) of
//   live updates (SSE feed + MJPEG tile from a real appliance watching the looping clip);
// - applianceCpu: the appliance process's CPU (% of one core) with no viewer, then while one browser watches one
//   camera's large live view, and the difference.
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../device/src/util/paths.js';
import { ApplianceProcess, launchBrowser, newContext, setUpByApi, signIn } from '../../test/ui/harness.js';

const LOADS = 10;
const minutes = Number(process.env.BENCH_UI_MINUTES ?? 3);
const cpuWindowMs = Number(process.env.BENCH_UI_CPU_SECONDS ?? 30) * 1000;
// A private copy of the built page: a rebuild of dist/ui meanwhile does not disturb the measurement.
const uiDir = await mkdtemp(join(tmpdir(), 'cva-bench-ui-'));
await cp(join(repoRoot, 'dist', 'ui'), uiDir, { recursive: true });

const gzKb = (buf: Buffer) => gzipSync(buf, { level: 9 }).length / 1024;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function totalGzipKb(): Promise<number> {
  let kb = gzKb(await readFile(join(uiDir, 'index.html')));
  for (const f of await readdir(join(uiDir, 'assets'))) kb += gzKb(await readFile(join(uiDir, 'assets', f)));
  return kb;
}

/** CPU seconds the process has used so far (utime + stime from /proc, clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function cpuPercent(pid: number, ms: number): Promise<number> {
  const t0 = Date.now();
  const c0 = await cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, ms));
  return (100 * (await cpuSeconds(pid) - c0)) / ((Date.now() - t0) / 1000);
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

// Records when the overview's heading and tiles first appear (installed before the page's own scripts).
const markFirstRender = () => {
  const w = window as unknown as { __firstRender?: number };
  const check = () => {
    if (w.__firstRender === undefined && document.querySelector('h1') && document.querySelectorAll('.stat').length >= 6) w.__firstRender = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
};

const app = await ApplianceProcess.start({ camera: true, uiDir });
const browser = await launchBrowser();
try {
  await setUpByApi(app);
  const context = await newContext(browser, app);
  const page = await context.newPage();

  // Initial bundle: every asset a fresh browser fetches to sign in and show the overview.
  const assets = new Set<string>();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/assets/')) assets.add(u.pathname);
  });
  await signIn(page);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  let initial = gzKb(await readFile(join(uiDir, 'index.html')));
  for (const a of assets) initial += gzKb(await readFile(join(uiDir, a)));

  // First render at 4× CPU throttling, 10 cold-cache loads.
  await page.addInitScript(markFirstRender);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const renders: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto('/');
    await page.waitForFunction(() => (window as unknown as { __firstRender?: number }).__firstRender !== undefined, undefined, { timeout: 60_000 });
    renders.push(await page.evaluate(() => (window as unknown as { __firstRender: number }).__firstRender));
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.detach();

  // Heap under live updates: the overview left open with the SSE feed and the camera tile streaming.
  await page.goto('/');
  await page.locator('.live img').first().waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 60_000));
  const heapAfter1 = await heapMb(page);
  await new Promise((r) => setTimeout(r, Math.max(0, minutes - 1) * 60_000));
  const heapAfterN = await heapMb(page);
  await page.goto('about:blank');

  // Appliance CPU: nobody watching, then one browser on one camera's large live view.
  const pid = app.pid()!;
  const idle = await cpuPercent(pid, cpuWindowMs);
  await page.goto('/cameras/door');
  await page.locator('.live img').waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 3000));
  const watching = await cpuPercent(pid, cpuWindowMs);

  const files = await readdir(join(uiDir, 'assets'));
  const largest = (await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(uiDir, 'assets', f))).size })))).sort((a, b) => b.size - a.size)[0];
  console.log(
    JSON.stringify({
      bundleKbGzip: { initial: round(initial), total: round(await totalGzipKb()), initialFiles: assets.size, largestFile: largest?.f },
      firstRenderMs: { p50: Math.round(quantile(renders, 0.5)), p95: Math.round(quantile(renders, 0.95)), loads: LOADS, cpuThrottling: 4 },
      heapMb: { after1Min: round(heapAfter1, 2), [`after${minutes}Min`]: round(heapAfterN, 2), growth: round(heapAfterN - heapAfter1, 2), minutes },
      applianceCpu: { idlePercent: round(idle), watchingPercent: round(watching), extraPercent: round(watching - idle), windowSeconds: cpuWindowMs / 1000 },
    }),
  );
} finally {
  await browser.close();
  await app.close();
  await rm(uiDir, { recursive: true, force: true });
}
