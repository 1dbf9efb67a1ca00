/**
 * HTTP figures for `bench:services`: p95 of the visits list with 100,000 visits stored, and the MJPEG
 * frame rate delivered to 4 clients of one camera (real decoded video, annotated JPEGs encoded once
 * per frame and shared). Standalone: `node dist/scripts/bench/http.js` prints one JSON line last.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Accounts } from '../../device/src/accounts/accounts.js';
import { CameraManager } from '../../device/src/camera/manager.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { ensureThreadpool } from '../../device/src/camera/threadpool.js';
import { defaultSettings, Settings } from '../../device/src/contracts/settings.js';
import { EventBus } from '../../device/src/events.js';
import { SystemHealth } from '../../device/src/health/system-health.js';
import { createHttpApp } from '../../device/src/http/app.js';
import { bindVisits } from '../../device/src/services/bindings.js';
import { EventStream } from '../../device/src/http/live/event-stream.js';
import { LiveView } from '../../device/src/http/live/live-view.js';
import { boundaryOf, readMjpeg } from '../../device/src/http/live/mjpeg-reader.js';
import { HttpServer } from '../../device/src/http/server.js';
import { DocumentSettingsService } from '../../device/src/services/settings-service.js';
import { ProcessSystemService, appVersion } from '../../device/src/services/system-service.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { createLogger } from '../../device/src/util/log.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { VisitQuery } from '../../device/src/visits/visit-query.js';
import { generateYear } from './store.js';
import { percentile, roundTo } from '../../device/src/util/stats.js';

export interface HttpBench {
  http: { visits: number; requests: number; visitsListP50Ms: number; visitsListP95Ms: number };
  mjpeg: { clients: number; seconds: number; maxFps: number; fpsPerClient: number[]; minFps: number; encodedFps: number };
}

const quiet = { ...createLogger('bench'), info: () => {}, debug: () => {} };


/** An appliance HTTP server on a store in `dir` (no cameras unless given), with an admin API token. */
async function applianceServer(dir: string, live?: LiveView, bus = new EventBus()) {
  const store = await ApplianceStore.open({ dir });
  const accounts = await Accounts.open({ persistence: store, env: {}, log: quiet });
  const settings = new DocumentSettingsService(await store.document('settings', Settings, defaultSettings()));
  const events = new EventStream(bus);
  const app = createHttpApp({
    accounts,
    settings,
    system: new ProcessSystemService(accounts.deviceId, () => {}),
    health: new SystemHealth({ cameraStats: () => [], detectorMs: () => null }),
    events,
    bus,
    version: appVersion(),
    visits: bindVisits(new VisitQuery({ visits: store.visits, timezone: () => settings.get().site.timezone })),
    live,
    log: quiet,
  });
  const server = new HttpServer(app.app, { port: 0, host: '127.0.0.1', log: quiet });
  await server.start();
  const { token } = await accounts.store.createToken({ name: 'bench', role: 'admin', createdBy: 'bench' });
  return { server, settings, headers: { authorization: `Bearer ${token}` } };
}

/** Visits list latency: first pages, deep cursor pages and a filtered query, one request at a time. */
async function visitsList(requests: number): Promise<HttpBench['http']> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-bench-http-'));
  try {
    const visits = await generateYear(dir, Date.now(), 50, 2000);
    const { server, headers } = await applianceServer(dir);
    try {
      const get = async (q: string) => {
        const t0 = performance.now();
        const res = await fetch(`${server.url()}/api/v1/visits?${q}`, { headers });
        const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        const ms = performance.now() - t0;
        if (res.status !== 200 || body.items.length === 0) throw new Error(`visits list failed: ${res.status}`);
        return { ms, next: body.nextCursor };
      };
      for (let i = 0; i < 10; i++) await get('limit=100'); // warm-up: JIT, day-file cache
      const ms: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < requests; i++) {
        const kind = i % 3;
        const q = kind === 0 ? 'limit=100' : kind === 1 ? `limit=100${cursor ? `&cursor=${cursor}` : ''}` : 'limit=100&kind=customer&minDwell=600';
        const r = await get(q);
        if (kind === 1) cursor = r.next;
        ms.push(r.ms);
      }
      return { visits, requests, visitsListP50Ms: roundTo(percentile(ms, 50), 2), visitsListP95Ms: roundTo(percentile(ms, 95), 2) };
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Four MJPEG clients of one camera playing the real H.264 clip; frames counted per client. */
async function mjpegFanOut(clients: number, seconds: number, maxFps: number): Promise<HttpBench['mjpeg']> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-bench-mjpeg-'));
  const bus = new EventBus();
  const manager = new CameraManager({ facts: await detectPlatformFacts(), bus });
  const live = new LiveView(manager, bus, { maxFps, maxClientsPerCamera: clients });
  const { server, settings, headers } = await applianceServer(dir, live, bus);
  try {
    const camera = { id: 'bench', name: 'Bench', url: `file://${join(facesDataDir(), 'video', 'hamilton.mp4')}`, loop: true, analysisFps: 25, analysisWidth: 640 };
    const r = await settings.update({ cameras: [camera] });
    if (!r.ok) throw new Error(r.error.message);
    await manager.apply(settings.get().cameras);
    await manager.start();
    await live.start();
    const ctrl = new AbortController();
    const counts = await Promise.all(
      Array.from({ length: clients }, async () => {
        const res = await fetch(`${server.url()}/api/v1/live/bench/mjpeg`, { headers, signal: ctrl.signal });
        if (res.status !== 200) throw new Error(`mjpeg: ${res.status}`);
        let n = 0;
        let first = 0;
        try {
          for await (const _jpeg of readMjpeg(res.body!, boundaryOf(res.headers.get('content-type'))!)) {
            if (n === 0) first = performance.now();
            n++;
            if (performance.now() - first >= seconds * 1000) break;
          }
        } catch (e) {
          if ((e as Error).name !== 'AbortError') throw e;
        }
        return { frames: n - 1, ms: performance.now() - first };
      }),
    );
    const encodedBefore = live.encodedFrames;
    ctrl.abort();
    const fpsPerClient = counts.map((c) => roundTo((c.frames * 1000) / c.ms, 2));
    return {
      clients,
      seconds,
      maxFps,
      fpsPerClient,
      minFps: Math.min(...fpsPerClient),
      encodedFps: roundTo(encodedBefore / Math.max(...counts.map((c) => c.ms / 1000)), 2),
    };
  } finally {
    await live.stop();
    await manager.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchHttp(opts: { requests?: number; clients?: number; seconds?: number; maxFps?: number } = {}): Promise<HttpBench> {
  const http = await visitsList(opts.requests ?? 300);
  const mjpeg = await mjpegFanOut(opts.clients ?? 4, opts.seconds ?? 10, opts.maxFps ?? 15);
  return { http, mjpeg };
}

// Callers that run cameras must size libuv's threadpool first (bench:services does it once for all benches).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && ensureThreadpool(1) === 'ok') {
  const r = await benchHttp();
  console.log(`http: ${r.http.visits} visits stored, ${r.http.requests} list requests; mjpeg: ${r.mjpeg.clients} clients for ${r.mjpeg.seconds} s at most ${r.mjpeg.maxFps} fps`);
  console.log(JSON.stringify(r));
  process.exit(0);
}
