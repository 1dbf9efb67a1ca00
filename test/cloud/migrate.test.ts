import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { migrate, migrationsDir } from '../../cloud-sync/src/db/migrate.js';
import { VisitPartitions } from '../../cloud-sync/src/partitions.js';
import { makeTestDb } from './harness.js';

it('instances starting together migrate once and create a new month partition once (real PostgreSQL)', async () => {
  const t = await makeTestDb('postgres');
  try {
    const handles = [t.db, t.reopen(), t.reopen()];
    const applied = await Promise.all(handles.map((h) => migrate(h)));
    const files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort();
    // Exactly one instance applied every file; the others found nothing left to do.
    assert.deepEqual(applied.flat().sort(), files);
    const rows = await t.db.query<{ name: string }>('select name from schema_migrations order by name');
    assert.deepEqual(rows.rows.map((r) => r.name), files);
    assert.deepEqual(await migrate(t.db), []);

    const month = new Date('2024-02-10T12:00:00Z');
    await Promise.all(handles.map((h) => new VisitPartitions(h).ensure([month])));
    const parts = await t.db.query<{ n: number }>(
      `select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'visits'::regclass and c.relname = 'visits_y2024m02'`,
    );
    assert.equal(parts.rows[0].n, 1);
  } finally {
    await t.cleanup();
  }
});
