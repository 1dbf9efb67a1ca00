import { resolve } from 'node:path';
import { repoRoot } from '../../../device/src/util/paths.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

/** `DATABASE_URL` set: real PostgreSQL. Unset: PGlite under `CLOUD_DATA_DIR` (default data/cloud). */
export async function openDbFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Db> {
  if (env.DATABASE_URL) return openPostgres({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_MAX ?? 10) });
  return openPglite(cloudDataDir(env));
}

export function cloudDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CLOUD_DATA_DIR ?? resolve(repoRoot, 'data', 'cloud'));
}
