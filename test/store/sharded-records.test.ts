import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isStoreError } from '../../device/src/store/errors.js';
import { ShardedRecords } from '../../device/src/store/sharded-records.js';
import { PersonStats } from '../../device/src/visits/person-stats.js';
import { tempDir } from './helpers.js';

const Count = z.object({ n: z.number().int().min(0) });

test('a change rewrites one shard; values survive reopen; invalid values change nothing', async (t) => {
  const { dir, cleanup } = await tempDir('shards');
  t.after(cleanup);
  const table = await ShardedRecords.open(dir, Count, 8);
  await Promise.all(Array.from({ length: 200 }, (_, i) => table.update(`C-${i}`, () => ({ n: i }))));
  const files = (await readdir(dir)).filter((f) => f !== 'meta.json');
  assert.equal(files.length, 8, 'keys spread over every shard');
  const sizes = await Promise.all(files.map(async (f) => Object.keys(JSON.parse(await readFile(join(dir, f), 'utf8')).records).length));
  assert.equal(sizes.reduce((a, b) => a + b, 0), 200);
  assert.ok(Math.max(...sizes) < 60, `no shard holds most of the table (${sizes})`);
  await assert.rejects(table.update('C-5', () => ({ n: -1 })), (e) => isStoreError(e, 'invalid'));
  assert.deepEqual(await table.get('C-5'), { n: 5 });
  assert.equal(await table.update('C-6', () => undefined), undefined);
  // Reopened with another requested count, the stored count still routes every key correctly.
  const again = await ShardedRecords.open(dir, Count, 64);
  assert.equal(again.shardCount, 8);
  assert.deepEqual(await again.get('C-199'), { n: 199 });
  assert.equal(await again.get('C-6'), undefined);
  let n = 0;
  for await (const _ of again.entries()) n++;
  assert.equal(n, 199);
});

test('person stats on shards: counts per visit, span, merge, forget, unseen', async (t) => {
  const { dir, cleanup } = await tempDir('shards');
  t.after(cleanup);
  const stats = await PersonStats.sharded(dir);
  assert.equal(await stats.countVisit('C-1', 'customer', 1000), 1);
  assert.equal(await stats.countVisit('C-1', 'customer', 5000), 2);
  assert.equal(await stats.countVisit('C-2', 'customer', 3000), 1);
  assert.equal(await stats.countVisit('S-1', 'staff', 100), 1);
  assert.deepEqual(await stats.span('C-1'), { first: 1000, last: 5000 });
  assert.deepEqual((await stats.unseenCustomers(4000)).sort(), ['C-2']);
  await stats.merge('C-2', 'C-1');
  assert.equal(await stats.visits('C-1'), 3);
  assert.equal(await stats.visits('C-2'), 0);
  await stats.forget('C-1');
  assert.equal(await stats.span('C-1'), null);
  const reopened = await PersonStats.sharded(dir);
  assert.equal(await reopened.visits('S-1'), 1);
  assert.deepEqual(await reopened.unseenCustomers(Infinity), []);
});
