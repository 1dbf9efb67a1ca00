import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './types.js';

/** Embedded PostgreSQL (WASM) in a directory: one connection, so transactions are serialised. */
export async function openPglite(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const lite = new PGlite(dir);
  await lite.waitReady;
  const wrap = async <T>(p: Promise<{ rows: unknown[]; affectedRows?: number }>): Promise<QueryResult<T>> => {
    const r = await p;
    return { rows: r.rows as T[], rowCount: r.affectedRows || r.rows.length };
  };
  return {
    kind: 'pglite',
    query: (sql, params) => wrap(lite.query(sql, params)),
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      return lite.transaction((t) => fn({ query: (sql, params) => wrap(t.query(sql, params)) }));
    },
    close: () => lite.close(),
  };
}
