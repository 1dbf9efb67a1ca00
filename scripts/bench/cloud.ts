/**
 * `npm run -s bench:cloud`: cloud-sync on the real PostgreSQL, driven by the fleet simulator.
 * Creates a throw-away database, runs the service as 1 and 2 child processes, and prints one JSON
 * object as its last line:
 *   ingestPerSec {"1","2"}  sustained visits/s through HTTP into PostgreSQL (1,000-visit batches)
 *   heartbeats              1,000 devices at one heartbeat per 60 s for 60 s: service CPU share, latency
 *   reportP95Ms             {allSitesDaily30d, siteHourly} over 10,000,000 stored visits, through HTTP
 * Everything is dropped at the end. Progress goes to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createOrganisationWithAdmin } from '../../cloud-sync/src/admin.js';
import { openPostgres } from '../../cloud-sync/src/db/postgres.js';
import { VisitPartitions } from '../../cloud-sync/src/partitions.js';
import { refreshRollup } from '../../cloud-sync/src/rollup.js';
import { percentile, sendAll, type Upload } from '../fleet-sim/client.js';
import { batchBody, prng, simulateDay, visitEndItem, type SimDevice } from '../fleet-sim/generate.js';
import { runHeartbeats } from '../fleet-sim/heartbeats.js';
import { provisionFleet } from '../fleet-sim/provision.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SITES = 100;
const DEVICES_PER_SITE = 10;
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 240);
const STORED_VISITS = Number(process.env.BENCH_STORED_VISITS ?? 10_000_000);
const HEARTBEAT_SECONDS = Number(process.env.BENCH_HEARTBEAT_SECONDS ?? 60);
const REPORT_RUNS = 40;

const say = (msg: string) => process.stderr.write(`[bench:cloud] ${msg}\n`);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const dayMs = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

const dbName = `cva_bench_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const children: ChildProcess[] = [];

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** One cloud-sync instance as a child process; resolves with its URL once it listens. */
function startInstance(): Promise<{ url: string; proc: ChildProcess }> {
  const main = fileURLToPath(new URL('../../cloud-sync/src/main.js', import.meta.url));
  const proc = spawn(process.execPath, [main], {
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DB_POOL_MAX: '8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on port (\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, proc });
    });
    proc.stderr!.on('data', (d) => process.stderr.write(d));
    proc.once('exit', (code) => reject(new Error(`cloud-sync exited (${code}) before listening`)));
  });
}

async function stopInstance(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await gone;
}

/** utime + stime of a process in seconds (Linux /proc; clock ticks are 100 Hz). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Each ingest device uploads whole simulated days: 1,000 closed visits per batch, all new. */
function ingestUploads(devices: SimDevice[], batches: number, firstDayOffset: number): Upload[] {
  const rnd = prng(firstDayOffset + 11);
  const uploads: Upload[] = [];
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let i = 0; i < batches; i++) {
    const d = devices[i % devices.length];
    const day = new Date(today - (firstDayOffset + Math.floor(i / devices.length)) * dayMs);
    const seq = { n: firstDayOffset * 1_000_000 + i * 1000 };
    const items = simulateDay(d, day, 1000, rnd, seq).map(visitEndItem);
    uploads.push({ device: d, body: batchBody(d, items, `bench-${firstDayOffset}-${i}`), items: items.length });
  }
  return uploads;
}

async function measureIngest(urls: string[], uploads: Upload[], concurrency: number): Promise<number> {
  const r = await sendAll(urls, uploads, concurrency);
  const expected = uploads.reduce((s, u) => s + u.items, 0);
  if (r.failures || r.applied !== expected) throw new Error(`ingest: ${r.failures} failures, applied ${r.applied} of ${expected}`);
  say(`  ${expected} visits in ${round(r.ms / 1000, 2)} s, batch p95 ${round(percentile(r.latenciesMs, 95))} ms`);
  return Math.round(expected / (r.ms / 1000));
}

async function timed(url: string, token: string, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data?: unknown[] };
  const ms = performance.now() - t0;
  if (!res.ok || !Array.isArray(body.data) || body.data.length === 0) throw new Error(`report ${path}: ${res.status}`);
  return ms;
}

async function main(): Promise<void> {
  await adminQuery(`create database ${dbName}`);
  say(`database ${dbName}`);
  const db = openPostgres({ connectionString: dbUrl, max: 4 });
  try {
    const one = await startInstance();
    const admin = await createOrganisationWithAdmin(db, 'Bench', 'bench@bench.example');
    say(`provisioning ${SITES} sites × ${DEVICES_PER_SITE} devices through the claim API`);
    const fleet = await provisionFleet(one.url, admin.token, SITES, DEVICES_PER_SITE);
    const ingestDevices = fleet.filter((_, i) => i % DEVICES_PER_SITE === 0);

    // Warm-up (JIT, partitions, pool) is not measured.
    await sendAll([one.url], ingestUploads(ingestDevices, 8, 40), 4);
    say(`ingest through 1 instance: ${INGEST_BATCHES} batches of 1,000 visits`);
    const ingest1 = await measureIngest([one.url], ingestUploads(ingestDevices, INGEST_BATCHES, 1), 6);
    const two = await startInstance();
    await sendAll([two.url], ingestUploads(ingestDevices, 4, 45), 2);
    say(`ingest through 2 instances`);
    const ingest2 = await measureIngest([one.url, two.url], ingestUploads(ingestDevices, INGEST_BATCHES, 10), 8);
    await stopInstance(two.proc);

    say(`heartbeats: ${fleet.length} devices, one per 60 s, for ${HEARTBEAT_SECONDS} s`);
    const cpu0 = cpuSeconds(one.proc.pid!);
    const t0 = performance.now();
    const hb = await runHeartbeats([one.url], fleet, 60_000, HEARTBEAT_SECONDS * 1000);
    const wall = (performance.now() - t0) / 1000;
    const cpuShare = (cpuSeconds(one.proc.pid!) - cpu0) / wall;

    say(`bulk-loading ${STORED_VISITS.toLocaleString('en')} visits with generate_series`);
    const sites = fleet.filter((_, i) => i % DEVICES_PER_SITE === 0);
    const days = 365;
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const start = today - days * dayMs;
    const parts = new VisitPartitions(db);
    const months: Date[] = [];
    for (let t = start; t <= today; t += 20 * dayMs) months.push(new Date(t));
    await parts.ensure([...months, new Date(today)]);
    const l0 = performance.now();
    const chunk = 1_000_000;
    for (let lo = 1; lo <= STORED_VISITS; lo += chunk) {
      const hi = Math.min(STORED_VISITS, lo + chunk - 1);
      await db.query(
        `insert into visits (device_id, visit_id, site_id, person_id, kind, arrived_at, last_seen_at, departed_at, dwell_seconds,
            cameras, detections, age_median, gender, demo_samples, visit_number, is_returning, status, status_rank, last_item_key)
         select ($1::text[])[1 + g % $3], 'bulk-' || g, ($2::text[])[1 + g % $3],
            case when r1 < 0.05 then 'S-' || (g % 8) else 'C-' || floor(r2 * 5000)::int end,
            case when r1 < 0.05 then 'staff' else 'customer' end,
            t, t + make_interval(secs => dw), t + make_interval(secs => dw), dw, '{door}', 5,
            16 + floor(r2 * 60), case when r3 < 0.5 then 'male' else 'female' end, 3,
            case when r3 < 0.4 then 2 else 1 end, r3 < 0.4, 'closed', 1, 'bulk'
         from (select g, random() as r1, random() as r2, random() as r3, 60 + floor(random() * 2340) as dw,
                 $4::timestamptz + make_interval(days => (g / $5)::int) + make_interval(secs => 28800 + random() * 43200) as t
               from generate_series($6::bigint, $7::bigint) g) s`,
        [sites.map((s) => s.deviceId), sites.map((s) => s.siteId), sites.length, new Date(start), Math.ceil(STORED_VISITS / days), lo, hi],
      );
      say(`  ${hi.toLocaleString('en')} rows, ${round((performance.now() - l0) / 1000)} s`);
    }
    await db.query('analyze visits');
    const loadSeconds = (performance.now() - l0) / 1000;
    const r0 = performance.now();
    await db.query(
      `insert into rollup_dirty(site_id, day) select s.id, d::date from sites s
       cross join generate_series($1::date - 1, $2::date + 1, interval '1 day') d on conflict do nothing`,
      [isoDay(start), isoDay(today)],
    );
    await refreshRollup(db);
    const rollupSeconds = (performance.now() - r0) / 1000;
    const stored = (await db.query<{ n: number }>('select count(*)::int as n from visits')).rows[0].n;
    say(`  stored ${stored.toLocaleString('en')} visits; load ${round(loadSeconds)} s, rollup ${round(rollupSeconds)} s`);

    say(`reports: ${REPORT_RUNS} runs each through HTTP`);
    const daily: number[] = [];
    const hourly: number[] = [];
    for (let i = 0; i < REPORT_RUNS; i++) {
      const to = today - (1 + i * 7) * dayMs;
      daily.push(await timed(one.url, admin.token, `/api/reports/visits?granularity=day&from=${isoDay(to - 29 * dayMs)}&to=${isoDay(to)}`));
      const site = sites[(i * 37) % sites.length].siteId;
      hourly.push(await timed(one.url, admin.token, `/api/reports/visits?granularity=hour&sites=${site}&from=${isoDay(to - 6 * dayMs)}&to=${isoDay(to)}`));
    }
    await stopInstance(one.proc);
    const result = {
      ingestPerSec: { '1': ingest1, '2': ingest2 },
      heartbeats: {
        devices: fleet.length,
        intervalSeconds: 60,
        windowSeconds: round(wall),
        sent: hb.requests,
        failures: hb.failures,
        serviceCpuPercentOfOneCore: round(cpuShare * 100, 2),
        latencyP95Ms: round(percentile(hb.latenciesMs, 95)),
      },
      reportP95Ms: { allSitesDaily30d: round(percentile(daily, 95)), siteHourly: round(percentile(hourly, 95)) },
      storedVisits: stored,
      sites: sites.length,
      siteHourlyDays: 7,
      bulkLoadSeconds: round(loadSeconds),
      rollupSeconds: round(rollupSeconds),
      database: 'postgres',
    };
    console.log(JSON.stringify(result));
  } finally {
    for (const c of children) await stopInstance(c).catch(() => undefined);
    await db.close().catch(() => undefined);
    await adminQuery(`drop database if exists ${dbName} with (force)`).catch((e) => say(`could not drop ${dbName}: ${e}`));
  }
}

await main();
