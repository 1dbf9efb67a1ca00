/**
 * On-box store benchmark (issue 4 §8 "store").
 * - appendPerSec / appendP99Ms: visits appended one at a time (each awaited, i.e. durable: tmp +
 *   fsync + rename + fsync dir) into a fresh store, a whole day of 2,000 so the day file grows to
 *   its real size. appendPerSecConcurrent: the same with 16 writers at once (group commit).
 * - coldStartMs: a year of visits (365 days × 2,000 = 730,000) is generated into a temp dir; a
 *   fresh process then imports the store, opens it, starts the VisitTracker (resumes today's open
 *   visits, counts today's visits) and serves the first page of the visit list.
 * Prints one JSON object as its last line.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../device/src/store/atomic-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Visit } from '../../device/src/contracts/visit.js';
import { newDayId, utcDayKey } from '../../device/src/store/day-id.js';
import { DayLog } from '../../device/src/store/day-log.js';
import { Visit as VisitSchema } from '../../device/src/contracts/visit.js';
import { percentile, roundTo } from '../../device/src/util/stats.js';

const DAY = 86_400_000;

/** A plausible visit: shop hours 08–20 UTC, dwell 1–60 min, a pool of 60,000 customers and 12 staff. */
function makeVisit(next: () => number, at: number, now: number, seq: number): Visit {
  const staff = next() < 0.01;
  const dwell = Math.round(60 + next() * 3540);
  const lastSeen = Math.min(now, at + dwell * 1000);
  const open = now - lastSeen < 30 * 60_000;
  const visitNumber = 1 + Math.floor(next() * next() * 20);
  return {
    id: newDayId('V', at),
    personId: staff ? `S-${seq % 12}` : `C-${String(Math.floor(next() * 60_000)).padStart(6, '0')}`,
    kind: staff ? 'staff' : 'customer',
    arrivedAt: new Date(at).toISOString(),
    lastSeenAt: new Date(lastSeen).toISOString(),
    departedAt: open ? null : new Date(lastSeen).toISOString(),
    dwellSeconds: (lastSeen - at) / 1000,
    cameras: next() < 0.3 ? ['door', 'till'] : ['door'],
    detections: 1 + Math.floor(next() * 200),
    bestCropId: `customer~C-000001~${at.toString(36)}~${Math.floor(next() * 1e12).toString(36).padStart(10, '0').slice(0, 10)}`,
    demographics: { ageMedian: Math.round(15 + next() * 60), gender: next() < 0.5 ? 'male' : 'female', samples: 1 + Math.floor(next() * 20) },
    visitNumber,
    returning: visitNumber > 1,
    status: open ? 'open' : 'closed',
  };
}

/** Write `days` day files of `perDay` visits ending on the day of `now` (generation is not timed). */
export async function generateYear(dir: string, now: number, days = 365, perDay = 2000): Promise<number> {
  const next = Math.random; // values only shape the data; sizes (which drive the timings) are fixed
  await mkdir(join(dir, 'visits'), { recursive: true });
  let total = 0;
  const openIds: string[] = [];
  const today = Date.parse(utcDayKey(now));
  for (let d = days - 1; d >= 0; d--) {
    const dayStart = today - d * DAY;
    const open = dayStart + 8 * 3_600_000;
    const close = Math.min(dayStart + 20 * 3_600_000, now);
    // Today gets its full 2,000 too, squeezed into the hours before `now`: the total is exactly days × perDay.
    const times = Array.from({ length: perDay }, () => Math.floor(open + next() * (close - open))).sort((a, b) => a - b);
    const records = times.map((at, i) => makeVisit(next, at, now, i));
    // fsynced like the store's own writes: the cold start must not pay for flushing the generator's data.
    await writeFileAtomic(join(dir, 'visits', `${utcDayKey(dayStart)}.json`), JSON.stringify({ day: utcDayKey(dayStart), records }));
    total += records.length;
    for (const r of records) if (r.status === 'open') openIds.push(r.id);
  }
  // The tracker's index of open visits, as a running appliance would have left it.
  await writeFileAtomic(join(dir, 'open-visits.json'), JSON.stringify({ ids: openIds }));
  return total;
}

async function benchAppend(perDay: number): Promise<{ appendPerSec: number; appendP99Ms: number; appendPerSecConcurrent: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-bench-append-'));
  try {
    const log = await DayLog.open<Visit>({ dir: join(dir, 'seq'), schema: VisitSchema, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V' });
    const next = Math.random;
    const day = Date.parse('2026-06-01T08:00:00Z');
    const now = day + DAY;
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < perDay; i++) {
      const v = makeVisit(next, day + i * 20_000, now, i);
      const a = performance.now();
      await log.append(v);
      lat.push(performance.now() - a);
    }
    const seqSeconds = (performance.now() - t0) / 1000;

    const conc = await DayLog.open<Visit>({ dir: join(dir, 'conc'), schema: VisitSchema, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V' });
    const c0 = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (i < perDay) {
          const n = i++;
          await conc.append(makeVisit(next, day + n * 20_000, now, n));
        }
      }),
    );
    const concSeconds = (performance.now() - c0) / 1000;
    return {
      appendPerSec: Math.round(perDay / seqSeconds),
      appendP99Ms: roundTo(percentile(lat, 99), 1),
      appendPerSecConcurrent: Math.round(perDay / concSeconds),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child-process side of the cold start: everything a restarting appliance does before it can answer. */
async function coldStart(dir: string, now: number): Promise<{ ms: number; openVisits: number; visitsToday: number; pageItems: number }> {
  const t0 = performance.now();
  const { ApplianceStore } = await import('../../device/src/store/appliance-store.js');
  const { EMBEDDING_LENGTH } = await import('../../device/src/frame/face.js');
  const { ManualClock } = await import('../../device/src/util/clock.js');
  const { openVisitModule } = await import('../../device/src/visits/visit-module.js');
  const { EventBus } = await import('../../device/src/events.js');
  process.env.LOG_LEVEL = 'warn';
  const store = await ApplianceStore.open({ dir, embeddingDim: EMBEDDING_LENGTH });
  const { tracker, query } = await openVisitModule(store, {
    bus: new EventBus(),
    clock: new ManualClock(now),
    settings: { visitGapMinutes: 30, timezone: 'UTC' },
  });
  await tracker.start();
  const page = await query.page({ limit: '50' });
  const ms = performance.now() - t0;
  if (!page.ok) throw new Error(page.error);
  const result = { ms, openVisits: tracker.openVisits().length, visitsToday: tracker.counts().visitsToday, pageItems: page.value.items.length };
  // Measured before stop(): stopping closes the open visits, which is shutdown work, not start-up.
  return result;
}

export interface StoreBench {
  appendPerSec: number;
  appendP99Ms: number;
  appendPerSecConcurrent: number;
  coldStartMs: number;
  visits: number;
}

export async function benchStore(opts: { days?: number; perDay?: number } = {}): Promise<StoreBench> {
  const days = opts.days ?? 365;
  const perDay = opts.perDay ?? 2000;
  const append = await benchAppend(perDay);
  const dir = await mkdtemp(join(tmpdir(), 'cva-bench-year-'));
  try {
    const now = Date.parse(`${utcDayKey(Date.now())}T18:00:00Z`);
    const visits = await generateYear(dir, now, days, perDay);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold-start', dir, String(now)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`cold start child failed: ${child.stderr}`);
    const cold = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    return { ...append, coldStartMs: Math.round(cold.ms), visits };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--cold-start') {
    const r = await coldStart(process.argv[3], Number(process.argv[4]));
    console.log(JSON.stringify(r));
    process.exit(0);
  } else {
    const r = await benchStore();
    console.log(`store: ${r.visits} visits generated; appends are durable (fsync) one at a time, concurrent = 16 writers`);
    console.log(JSON.stringify(r));
  }
}
