import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddingStore } from '../../device/src/store/embedding-store.js';
import { isStoreError } from '../../device/src/store/errors.js';
import { tempDir } from './helpers.js';

const DIM = 8;
const vec = (seed: number) => Float32Array.from({ length: DIM }, (_, i) => Math.sin(seed * 31 + i));

test('vectors and index survive reopen; matrix rows follow ids', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  const a = await store.add({ personId: 'C-000001', vector: vec(1), quality: 0.9, createdAt: 1000, cropId: 'x' });
  const [b, c] = await Promise.all([
    store.add({ personId: 'C-000002', vector: vec(2), quality: 0.5 }),
    store.add({ personId: 'C-000001', vector: vec(3), quality: 0.7 }),
  ]);
  await store.close();
  const again = await EmbeddingStore.open({ dir, dim: DIM });
  assert.equal(again.size, 3);
  assert.deepEqual(again.entry(a.sampleId), a);
  assert.deepEqual(await again.vector(b.sampleId), vec(2));
  assert.deepEqual(again.entriesOf('C-000001').map((e) => e.sampleId).sort(), [a.sampleId, c.sampleId].sort());
  const m = await again.matrix();
  m.ids.forEach((id, row) => assert.deepEqual(m.data.subarray(row * DIM, (row + 1) * DIM), vec(id === a.sampleId ? 1 : id === b.sampleId ? 2 : 3)));
  assert.equal(await again.vector('nope'), null);
  await again.close();
  await assert.rejects(EmbeddingStore.open({ dir, dim: 16 }), (e) => isStoreError(e, 'invalid'));
});

test('bad vectors are refused and nothing is stored', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  t.after(() => store.close());
  const bad = vec(1);
  bad[3] = NaN;
  await assert.rejects(store.add({ personId: 'C-1', vector: bad, quality: 1 }), (e) => isStoreError(e, 'invalid'));
  await assert.rejects(store.add({ personId: 'C-1', vector: new Float32Array(3), quality: 1 }), (e) => isStoreError(e, 'invalid'));
  await assert.rejects(store.add({ personId: '', vector: vec(1), quality: 1 }), (e) => isStoreError(e, 'invalid'));
  await assert.rejects(store.add({ personId: 'C-1', vector: vec(1), quality: -1 }), (e) => isStoreError(e, 'invalid'));
  assert.equal(store.size, 0);
});

test('remove, removePerson and relabel; compaction keeps exactly the live vectors', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  const made = await Promise.all(Array.from({ length: 30 }, (_, i) => store.add({ personId: `C-${i % 3}`, vector: vec(i), quality: i / 30 })));
  assert.equal(await store.remove(made[0].sampleId), true);
  assert.equal(await store.remove(made[0].sampleId), false);
  const gone = await store.removePerson('C-1');
  assert.equal(gone.length, 10);
  assert.equal(await store.relabel([made[2].sampleId, 'missing'], 'C-9'), 1);
  const sizeBefore = (await stat(join(dir, 'vectors-1.bin'))).size;
  const r = await store.compact();
  assert.equal(r.before, sizeBefore);
  assert.equal(r.after, 16 + 19 * DIM * 4);
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.bin')), ['vectors-2.bin']);
  await store.close();
  const again = await EmbeddingStore.open({ dir, dim: DIM });
  t.after(() => again.close());
  assert.equal(again.size, 19);
  for (const e of again.entries()) {
    const i = made.findIndex((m) => m.sampleId === e.sampleId);
    assert.deepEqual(await again.vector(e.sampleId), vec(i));
  }
  assert.equal(again.entry(made[2].sampleId)?.personId, 'C-9');
});

test('a torn record at the end of the file (crash mid-append) is dropped on open', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  const a = await store.add({ personId: 'C-1', vector: vec(5), quality: 1 });
  await store.close();
  await appendFile(join(dir, 'vectors-1.bin'), Buffer.alloc(DIM * 2, 7));
  const again = await EmbeddingStore.open({ dir, dim: DIM });
  assert.equal((await stat(join(dir, 'vectors-1.bin'))).size, 16 + DIM * 4);
  assert.deepEqual(await again.vector(a.sampleId), vec(5));
  const b = await again.add({ personId: 'C-1', vector: vec(6), quality: 1 });
  assert.equal(b.offset, 16 + DIM * 4);
  await again.close();
});

test('adding a sample rewrites one index shard, not the whole index', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  t.after(() => store.close());
  await Promise.all(Array.from({ length: 300 }, (_, i) => store.add({ personId: `C-${i}`, vector: vec(i), quality: 1 })));
  const snapshot = async () => new Map(await Promise.all((await readdir(join(dir, 'index'))).map(async (f) => [f, await readFile(join(dir, 'index', f), 'utf8')] as const)));
  const before = await snapshot();
  assert.ok(before.size > 32, 'the index is spread over many shard files');
  await store.add({ personId: 'C-new', vector: vec(1000), quality: 1 });
  const after = await snapshot();
  const changed = [...after].filter(([f, text]) => before.get(f) !== text).map(([f]) => f);
  assert.equal(changed.length, 1, `changed: ${changed}`);
});

test('a crash between switching generations and repointing the index loses nothing', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  const made = await Promise.all(Array.from({ length: 10 }, (_, i) => store.add({ personId: `C-${i}`, vector: vec(i), quality: 1 })));
  await store.remove(made[0].sampleId);
  await store.remove(made[1].sampleId);
  // Keep what the disk looked like before compaction…
  const oldVectors = await readFile(join(dir, 'vectors-1.bin'));
  const oldShards = new Map(await Promise.all((await readdir(join(dir, 'index'))).map(async (f) => [f, await readFile(join(dir, 'index', f))] as const)));
  await store.compact();
  await store.close();
  // …and put back the old file and the old index: head.json already says generation 2. That is the
  // state a crash right after the head switch leaves behind.
  await writeFile(join(dir, 'vectors-1.bin'), oldVectors);
  for (const [f, bytes] of oldShards) await writeFile(join(dir, 'index', f), bytes);
  const again = await EmbeddingStore.open({ dir, dim: DIM });
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.bin')).sort(), ['vectors-1.bin', 'vectors-2.bin']);
  for (let i = 2; i < 10; i++) assert.deepEqual(await again.vector(made[i].sampleId), vec(i));
  const added = await again.add({ personId: 'C-x', vector: vec(77), quality: 1 });
  const m = await again.matrix();
  assert.equal(m.ids.length, 9);
  assert.deepEqual(m.data.subarray(m.ids.indexOf(added.sampleId) * DIM, (m.ids.indexOf(added.sampleId) + 1) * DIM), vec(77));
  await again.compact();
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.bin')), ['vectors-3.bin']);
  for (let i = 2; i < 10; i++) assert.deepEqual(await again.vector(made[i].sampleId), vec(i));
  await again.close();
});

test('a store in the first layout (one index.json) is migrated on open', async (t) => {
  const { dir, cleanup } = await tempDir('emb');
  t.after(cleanup);
  const header = Buffer.alloc(16);
  header.write('CVAEMB01', 0, 'latin1');
  header.writeUInt32LE(DIM, 8);
  header.writeUInt32LE(DIM * 4, 12);
  const body = Buffer.concat([header, Buffer.from(vec(1).buffer), Buffer.from(vec(2).buffer)]);
  await writeFile(join(dir, 'vectors-1.bin'), body);
  const samples = {
    Ea: { personId: 'C-1', offset: 16, quality: 0.5, createdAt: 5 },
    Eb: { personId: 'C-2', offset: 16 + DIM * 4, quality: 0.7, createdAt: 6, cropId: 'c' },
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify({ version: 1, dim: DIM, gen: 1, samples }));
  const store = await EmbeddingStore.open({ dir, dim: DIM });
  assert.deepEqual(store.entry('Eb'), { sampleId: 'Eb', ...samples.Eb });
  assert.deepEqual(await store.vector('Ea'), vec(1));
  assert.deepEqual(await store.vector('Eb'), vec(2));
  assert.equal((await readdir(dir)).includes('index.json'), false);
  await store.close();
  const again = await EmbeddingStore.open({ dir, dim: DIM });
  assert.equal(again.size, 2);
  await again.close();
});
