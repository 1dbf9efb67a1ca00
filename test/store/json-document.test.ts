import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { openDocument } from '../../device/src/store/json-document.js';
import { isStoreError } from '../../device/src/store/errors.js';
import { Settings } from '../../device/src/contracts/settings.js';
import { tempDir } from './helpers.js';

const Counter = z.object({ n: z.number().int().min(0), names: z.array(z.string()).default([]) });

test('document starts from defaults, persists updates, and reopens with the same content', async (t) => {
  const { dir, cleanup } = await tempDir('doc');
  t.after(cleanup);
  const file = join(dir, 'sub', 'counter.json');
  const doc = await openDocument(file, Counter, { n: 0 });
  assert.deepEqual(doc.data, { n: 0, names: [] });
  const after = await doc.update((d) => {
    d.n += 2;
    d.names.push('a');
  });
  assert.equal(after.n, 2);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { n: 2, names: ['a'] });
  const again = await openDocument(file, Counter, { n: 0 });
  assert.deepEqual(again.data, { n: 2, names: ['a'] });
  assert.deepEqual((await readdir(join(dir, 'sub'))).sort(), ['counter.json'], 'no temp files left');
});

test('an invalid update throws a typed error and changes neither memory nor disk', async (t) => {
  const { dir, cleanup } = await tempDir('doc');
  t.after(cleanup);
  const file = join(dir, 'counter.json');
  const doc = await openDocument(file, Counter, { n: 1 });
  await doc.update((d) => ({ ...d, n: 5 }));
  await assert.rejects(
    doc.update((d) => {
      d.n = -1;
    }),
    (e) => isStoreError(e, 'invalid'),
  );
  assert.equal(doc.data.n, 5);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).n, 5);
  // A later valid update still works: the queue is not poisoned by the rejection.
  assert.equal((await doc.update((d) => ({ ...d, n: 6 }))).n, 6);
});

test('data is a frozen view and concurrent updates are serialised (no lost increments)', async (t) => {
  const { dir, cleanup } = await tempDir('doc');
  t.after(cleanup);
  const doc = await openDocument(join(dir, 'c.json'), Counter, { n: 0 });
  assert.throws(() => {
    (doc.data as { n: number }).n = 9;
  }, TypeError);
  await Promise.all(Array.from({ length: 25 }, () => doc.update((d) => ({ ...d, n: d.n + 1 }))));
  assert.equal(doc.data.n, 25);
  const reopened = await openDocument(join(dir, 'c.json'), Counter, { n: 0 });
  assert.equal(reopened.data.n, 25);
});

test('a corrupt or schema-violating file is reported as corrupt, not replaced by defaults', async (t) => {
  const { dir, cleanup } = await tempDir('doc');
  t.after(cleanup);
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"n": 3, ');
  await assert.rejects(openDocument(bad, Counter, { n: 0 }), (e) => isStoreError(e, 'corrupt'));
  const wrong = join(dir, 'wrong.json');
  await writeFile(wrong, '{"n": "three"}');
  await assert.rejects(openDocument(wrong, Counter, { n: 0 }), (e) => isStoreError(e, 'corrupt'));
  assert.equal(await readFile(bad, 'utf8'), '{"n": 3, ', 'the bad file is left for inspection');
});

test('settings contract round-trips through a document with its zod defaults', async (t) => {
  const { dir, cleanup } = await tempDir('doc');
  t.after(cleanup);
  const doc = await openDocument(join(dir, 'settings.json'), Settings, {});
  assert.equal(doc.data.visitGapMinutes, 30);
  await doc.update((s) => {
    s.retention.visitDays = 10;
  });
  const again = await openDocument(join(dir, 'settings.json'), Settings, {});
  assert.equal(again.data.retention.visitDays, 10);
  await assert.rejects(doc.update((s) => ({ ...s, visitGapMinutes: 0 })), (e) => isStoreError(e, 'invalid'));
});
