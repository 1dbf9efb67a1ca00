/**
 * What bench:cloud and bench:hq share: a throw-away database on the local PostgreSQL (created, handed to the
 * run with a list for the child processes it starts, dropped at the end), and the stored visits the report
 * figures are measured over, bulk-loaded with fleet-sim's loader.
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { openPostgres } from '../../cloud-sync/src/db/postgres.js';
import type { Db } from '../../cloud-sync/src/db/types.js';
import { roundTo } from '../../device/src/util/stats.js';
import { bulkLoadVisits } from '../fleet-sim/bulk-load.js';
import type { SimDevice } from '../fleet-sim/generate.js';
import { stopInstance } from '../fleet-sim/instances.js';

export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DAY = 86_400_000;
/** Visits the report figures are measured over (BENCH_STORED_VISITS, default 10,000,000), over STORED_DAYS days. */
export const STORED_VISITS = Number(process.env.BENCH_STORED_VISITS ?? 10_000_000);
export const STORED_DAYS = 365;

export const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
/** Today 00:00 UTC, in ms. */
export const today = (() => {
  const n = new Date();
  return Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate());
})();

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * Runs `run` on a fresh database `<prefix>_<pid>` (its URL, and a pool on it) and prints its result, with
 * `database: 'postgres'`, as the JSON last line. The child processes it pushes to `children` are stopped,
 * the pool closed and the database dropped whatever happens.
 */
export async function benchOnThrowawayDatabase(
  prefix: string,
  say: (msg: string) => void,
  run: (dbUrl: string, db: Db, children: ChildProcess[]) => Promise<Record<string, unknown>>,
): Promise<void> {
  const dbName = `${prefix}_${process.pid}`;
  const u = new URL(BASE_URL);
  u.pathname = `/${dbName}`;
  const children: ChildProcess[] = [];
  await adminQuery(`create database ${dbName}`);
  say(`database ${dbName}`);
  const db = openPostgres({ connectionString: u.toString(), max: 4 });
  try {
    console.log(JSON.stringify({ ...(await run(u.toString(), db, children)), database: 'postgres' }));
  } finally {
    await db.close().catch(() => undefined);
    for (const c of children) await stopInstance(c).catch(() => undefined);
    await adminQuery(`drop database if exists ${dbName} with (force)`).catch((e) => say(`could not drop ${dbName}: ${e}`));
  }
}

/** Stores STORED_VISITS visits over the STORED_DAYS days before today at one device per site, then rolls them up. */
export async function loadStoredVisits(db: Db, perSite: SimDevice[], say: (msg: string) => void) {
  say(`bulk-loading ${STORED_VISITS.toLocaleString('en')} visits over ${STORED_DAYS} days with generate_series`);
  const load = await bulkLoadVisits(db, perSite, STORED_VISITS, STORED_DAYS, today, (n) => say(`  ${n.toLocaleString('en')} rows`));
  const stored = (await db.query<{ n: number }>('select count(*)::int as n from visits')).rows[0].n;
  say(`  stored ${stored.toLocaleString('en')} visits; load ${roundTo(load.loadSeconds, 1)} s, rollup ${roundTo(load.rollupSeconds, 1)} s`);
  return { storedVisits: stored, bulkLoadSeconds: roundTo(load.loadSeconds, 1), rollupSeconds: roundTo(load.rollupSeconds, 1) };
}
