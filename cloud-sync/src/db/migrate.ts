import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../../device/src/util/paths.js';
import type { Db } from './types.js';

export const migrationsDir = resolve(repoRoot, 'cloud-sync', 'migrations');
/** Arbitrary constant: every instance takes this advisory lock, so concurrent starts migrate once. */
const MIGRATION_LOCK = 746_201_001;

/** Splits a migration file into statements (our SQL has no semicolons inside strings or bodies). */
function statements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/** Applies pending `NNN_name.sql` files in order, each in its own transaction, and records them. */
export async function migrate(db: Db, dir = migrationsDir): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return db.tx(async (q) => {
    // Transaction-scoped: released on commit/rollback even if the process dies.
    await q.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q.query(`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await q.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const f of files) {
      if (done.has(f)) continue;
      for (const s of statements(readFileSync(join(dir, f), 'utf8'))) await q.query(s);
      await q.query('insert into schema_migrations(name) values ($1)', [f]);
      applied.push(f);
    }
    return applied;
  });
}
