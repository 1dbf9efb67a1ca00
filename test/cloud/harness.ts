import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite } from '../../cloud-sync/src/db/pglite.js';
import { openPostgres } from '../../cloud-sync/src/db/postgres.js';
import type { Db } from '../../cloud-sync/src/db/types.js';
import { CloudServer, type CloudServerOptions } from '../../cloud-sync/src/server.js';
import { createOrganisationWithAdmin } from '../../cloud-sync/src/admin.js';
import { migrate } from '../../cloud-sync/src/db/migrate.js';

export type DbKind = 'postgres' | 'pglite';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  db: Db;
  /** Opens another handle on the same database (a second "instance"); postgres only. */
  reopen(): Db;
  cleanup(): Promise<void>;
}

/** A fresh database per test file: its own schema on the real PostgreSQL, or a temp-dir PGlite. */
export async function makeTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'postgres') {
    const schema = `cva_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const opened: Db[] = [];
    const reopen = () => {
      const d = openPostgres({ connectionString: DATABASE_URL, schema, max: 5 });
      opened.push(d);
      return d;
    };
    const db = reopen();
    return {
      db,
      reopen,
      async cleanup() {
        for (const d of opened) await d.close().catch(() => undefined);
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'cva-pglite-'));
  const db = await openPglite(dir);
  return {
    db,
    reopen: () => {
      throw new Error('PGlite is single-process');
    },
    async cleanup() {
      await db.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startCloud(db: Db, opts: Partial<CloudServerOptions> = {}): Promise<{ server: CloudServer; url: string }> {
  const server = new CloudServer({ db, port: 0, rollupIntervalMs: 3_600_000, ...opts });
  await server.start();
  return { server, url: `http://127.0.0.1:${server.port}` };
}

export async function newOrg(db: Db, name: string) {
  await migrate(db);
  return createOrganisationWithAdmin(db, name, `admin@${name.toLowerCase().replace(/\W/g, '')}.example`);
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A JSON call; `raw` sends the body string as is (for malformed-JSON tests). */
export async function api<T = any>(
  url: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  raw?: string,
): Promise<ApiAnswer<T>> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw ? { 'content-type': 'application/json' } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** Creates a site, a claim code and claims a device; returns everything a test needs. */
export async function siteWithDevice(url: string, adminToken: string, name: string, timezone: string) {
  const site = await api(url, 'POST', '/api/sites', adminToken, { name, timezone });
  if (site.status !== 201) throw new Error(`site: ${site.text}`);
  const code = await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, adminToken, {});
  if (code.status !== 201) throw new Error(`code: ${code.text}`);
  const claim = await api(url, 'POST', '/api/claim', null, { claimCode: code.body.code, deviceName: `${name} box` });
  if (claim.status !== 201) throw new Error(`claim: ${claim.text}`);
  return { siteId: site.body.id as string, deviceId: claim.body.deviceId as string, deviceToken: claim.body.token as string };
}
