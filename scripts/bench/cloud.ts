/**
 * `npm run -s bench:cloud`: cloud-sync on the real PostgreSQL, driven by the fleet simulator.
 * Creates a throw-away database, runs the service as 1 and 2 child processes, and prints one JSON
 * object as its last line:
 *   ingestPerSec {"1","2"}  sustained visits/s through HTTP into PostgreSQL (1,000-visit batches)
 *   heartbeats              1,000 devices at one heartbeat per 60 s for 60 s: service CPU share, latency
 *   reportP95Ms             {allSitesDaily30d, siteHourly} over 10,000,000 stored visits, through HTTP
 * Everything is dropped at the end. Progress goes to stderr.
 */
import type { ChildProcess } from 'node:child_process';
import { createOrganisationWithAdmin } from '../../cloud-sync/src/admin.js';
import type { Db } from '../../cloud-sync/src/db/types.js';
import { sendAll, type Upload } from '../fleet-sim/client.js';
import { percentile, roundTo } from '../../device/src/util/stats.js';
import { batchBody, prng, simulateDay, visitEndItem, type SimDevice } from '../fleet-sim/generate.js';
import { runHeartbeats } from '../fleet-sim/heartbeats.js';
import { cpuSeconds, startInstance, stopInstance } from '../fleet-sim/instances.js';
import { provisionFleet } from '../fleet-sim/provision.js';
import { benchOnThrowawayDatabase, DAY, isoDay, loadStoredVisits, today } from './bench-database.js';

const SITES = 100;
const DEVICES_PER_SITE = 10;
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 240);
const HEARTBEAT_SECONDS = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 60);
const REPORT_RUNS = 40;

const say = (msg: string) => process.stderr.write(`[bench:cloud] ${msg}\n`);

/** Each ingest device uploads whole simulated days: 1,000 closed visits per batch, all new. */
function ingestUploads(devices: SimDevice[], batches: number, firstDayOffset: number): Upload[] {
  const rnd = prng(firstDayOffset + 11);
  const uploads: Upload[] = [];
  for (let i = 0; i < batches; i++) {
    const d = devices[i % devices.length];
    const day = new Date(today - (firstDayOffset + Math.floor(i / devices.length)) * DAY);
    const seq = { n: firstDayOffset * 1_000_000 + i * 1000 };
    const items = simulateDay(d, day, 1000, rnd, seq).map(visitEndItem);
    uploads.push({ device: d, body: batchBody(d, items, `bench-${firstDayOffset}-${i}`), items: items.length });
  }
  return uploads;
}

async function measureIngest(urls: string[], uploads: Upload[], concurrency: number): Promise<number> {
  const r = await sendAll(urls, uploads, concurrency);
  const expected = uploads.reduce((s, u) => s + u.items, 0);
  if (r.failures || r.applied !== expected) {
    throw new Error(`ingest: ${r.failures} failures (${r.errors.join('; ')}), applied ${r.applied} of ${expected}`);
  }
  say(`  ${expected} visits in ${roundTo(r.ms / 1000, 2)} s, batch p95 ${roundTo(percentile(r.latenciesMs, 95), 1)} ms`);
  return Math.round(expected / (r.ms / 1000));
}

async function timedReport(url: string, token: string, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data?: unknown[] };
  const ms = performance.now() - t0;
  if (!res.ok || !Array.isArray(body.data) || body.data.length === 0) throw new Error(`report ${path}: ${res.status}`);
  return ms;
}

async function run(dbUrl: string, db: Db, children: ChildProcess[]) {
  const one = await startInstance(dbUrl);
  children.push(one.proc);
  const admin = await createOrganisationWithAdmin(db, 'Bench', 'bench@bench.example');
  say(`provisioning ${SITES} sites × ${DEVICES_PER_SITE} devices through the claim API`);
  const fleet = await provisionFleet(one.url, admin.token, SITES, DEVICES_PER_SITE);
  const perSite = fleet.filter((_, i) => i % DEVICES_PER_SITE === 0);

  // Warm-up (JIT, partitions, pools) is not measured.
  await sendAll([one.url], ingestUploads(perSite, 8, 40), 4);
  say(`ingest through 1 instance: ${INGEST_BATCHES} batches of 1,000 visits`);
  const ingest1 = await measureIngest([one.url], ingestUploads(perSite, INGEST_BATCHES, 1), 6);
  const two = await startInstance(dbUrl);
  children.push(two.proc);
  await sendAll([two.url], ingestUploads(perSite, 4, 45), 2);
  say('ingest through 2 instances');
  const ingest2 = await measureIngest([one.url, two.url], ingestUploads(perSite, INGEST_BATCHES, 10), 8);
  await stopInstance(two.proc);

  say(`heartbeats: ${fleet.length} devices, one per 60 s, for ${HEARTBEAT_SECONDS} s`);
  const cpu0 = cpuSeconds(one.proc.pid!);
  const t0 = performance.now();
  const hb = await runHeartbeats([one.url], fleet, 60_000, HEARTBEAT_SECONDS * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpuShare = (cpuSeconds(one.proc.pid!) - cpu0) / wall;

  const stored = await loadStoredVisits(db, perSite, say);

  say(`reports: ${REPORT_RUNS} runs each through HTTP`);
  const daily: number[] = [];
  const hourly: number[] = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    const to = today - (1 + i * 7) * DAY;
    daily.push(await timedReport(one.url, admin.token, `/api/reports/visits?granularity=day&from=${isoDay(to - 29 * DAY)}&to=${isoDay(to)}`));
    const site = perSite[(i * 37) % perSite.length].siteId;
    hourly.push(await timedReport(one.url, admin.token, `/api/reports/visits?granularity=hour&sites=${site}&from=${isoDay(to - 6 * DAY)}&to=${isoDay(to)}`));
  }
  return {
    ingestPerSec: { '1': ingest1, '2': ingest2 },
    heartbeats: {
      devices: fleet.length,
      intervalSeconds: 60,
      windowSeconds: roundTo(wall, 1),
      sent: hb.requests,
      failures: hb.failures,
      serviceCpuPercentOfOneCore: roundTo(cpuShare * 100, 2),
      latencyP95Ms: roundTo(percentile(hb.latenciesMs, 95), 1),
    },
    reportP95Ms: { allSitesDaily30d: roundTo(percentile(daily, 95), 1), siteHourly: roundTo(percentile(hourly, 95), 1) },
    sites: perSite.length,
    siteHourlyDays: 7,
    ...stored,
  };
}

await benchOnThrowawayDatabase('cva_bench', say, run);
