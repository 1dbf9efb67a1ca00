import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gallery, GalleryError } from '../../device/src/identity/gallery.js';
import { euclidean } from '../../device/src/identity/thresholds.js';
import { randomUnit, rng } from '../../scripts/bench/search.js';

/** Deterministic random unit vectors (the benchmark's generator) so failures reproduce. */
function vectors(count: number, dim: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => randomUnit(next, dim));
}

/** Reference answer by brute force in doubles: best two persons by min row distance. */
function bruteForce(rows: Array<{ person: string; v: Float32Array }>, q: Float32Array, exclude = new Set<string>()) {
  const per = new Map<string, number>();
  for (const r of rows) {
    if (exclude.has(r.person)) continue;
    const d = euclidean(q, r.v);
    if (d < (per.get(r.person) ?? Infinity)) per.set(r.person, d);
  }
  return [...per.entries()].sort((x, y) => x[1] - y[1]);
}

for (const simd of [true, false]) {
  test(`search returns best and runner-up PERSONS, matching brute force (${simd ? 'simd' : 'js'} kernel)`, () => {
    if (!simd) process.env.CVA_NO_SIMD = '1';
    try {
      const g = new Gallery(128, 4); // tiny capacity forces several growths
      const vs = vectors(300, 128, 7);
      const rows = vs.map((v, i) => ({ id: `r${i}`, person: `P${i % 37}`, v }));
      for (const r of rows) g.add(r.id, r.person, r.v);
      assert.equal(g.size, 300);
      assert.equal(g.personCount, 37);
      for (const q of vectors(20, 128, 99)) {
        const want = bruteForce(rows, q);
        const got = g.search(q);
        assert.equal(got.best?.personId, want[0][0]);
        assert.equal(got.runnerUp?.personId, want[1][0]);
        assert.ok(Math.abs(got.best!.distance - want[0][1]) < 1e-4);
        assert.ok(Math.abs(got.runnerUp!.distance - want[1][1]) < 1e-4);
        assert.notEqual(got.best?.personId, got.runnerUp?.personId);
      }
      // Exclusion removes a person entirely (e.g. claimed by another face in the same frame).
      const q = rows[5].v;
      const excl = new Set([rows[5].person]);
      const got = g.search(q, excl);
      const want = bruteForce(rows, q, excl);
      assert.equal(got.best?.personId, want[0][0]);
      assert.notEqual(got.best?.personId, rows[5].person);
    } finally {
      delete process.env.CVA_NO_SIMD;
    }
  });
}

test('near-duplicate rows closer than the int8 step still rank exactly (the exact pass decides)', () => {
  const [base] = vectors(1, 128, 5);
  const noise = vectors(60, 128, 6);
  const rows = noise.map((n, i) => ({ person: `P${i}`, v: base.map((x, k) => x + n[k] * 1e-3) }));
  const g = new Gallery(128);
  rows.forEach((r, i) => g.add(`r${i}`, r.person, r.v));
  for (const q of [rows[17].v, rows[42].v, base]) {
    const want = bruteForce(rows, q);
    const got = g.search(q);
    assert.equal(got.best?.personId, want[0][0]);
    assert.equal(got.runnerUp?.personId, want[1][0]);
  }
});

test('swap-delete keeps every other row findable and exact', () => {
  const g = new Gallery(128, 8);
  const vs = vectors(50, 128, 3);
  vs.forEach((v, i) => g.add(`r${i}`, `P${i}`, v));
  assert.equal(g.remove('r0'), true);
  assert.equal(g.remove('r0'), false);
  assert.equal(g.remove('r49'), true); // the last row
  assert.equal(g.size, 48);
  for (let i = 1; i < 49; i++) {
    const hit = g.search(vs[i]);
    assert.equal(hit.best?.personId, `P${i}`);
    assert.ok(hit.best!.distance < 1e-6);
    assert.deepEqual(g.vector(`r${i}`), vs[i]);
  }
  assert.equal(g.hasPerson('P0'), false);
  assert.equal(g.search(vs[0]).best?.personId === 'P0', false);
});

test('distancesToPerson: one pass gives every query its closest row of that person (brute force)', () => {
  const g = new Gallery(128);
  const rows = vectors(60, 128, 5).map((v, i) => ({ person: `P${i % 7}`, v }));
  rows.forEach((r, i) => g.add(`r${i}`, r.person, r.v));
  const queries = vectors(5, 128, 6);
  for (const person of ['P0', 'P3', 'P6']) {
    const got = g.distancesToPerson(queries, person);
    queries.forEach((q, i) => {
      const want = Math.min(...rows.filter((r) => r.person === person).map((r) => euclidean(q, r.v)));
      assert.ok(Math.abs(got[i] - want) < 1e-5, `${person} query ${i}: ${got[i]} vs ${want}`);
      assert.equal(g.distanceToPerson(q, person), got[i]);
    });
  }
  assert.deepEqual(g.distancesToPerson(queries, 'nobody'), queries.map(() => Infinity));
});

test('removePerson, reassign and rowsOf keep person bookkeeping right', () => {
  const g = new Gallery(128);
  const vs = vectors(6, 128, 11);
  vs.forEach((v, i) => g.add(`r${i}`, i < 3 ? 'A' : 'B', v));
  assert.deepEqual(g.rowsOf('A').sort(), ['r0', 'r1', 'r2']);
  g.reassign('r2', 'B');
  assert.deepEqual(g.rowsOf('B').sort(), ['r2', 'r3', 'r4', 'r5']);
  assert.equal(g.rowCount('B'), 4);
  assert.equal(g.rowCount('A'), 2);
  assert.equal(g.personOf('r2'), 'B');
  assert.equal(g.removePerson('A'), 2);
  assert.equal(g.personCount, 1);
  assert.equal(g.distanceToPerson(vs[2], 'B'), 0);
  assert.equal(g.distanceToPerson(vs[2], 'A'), Infinity);
  assert.deepEqual(g.search(vs[0]).runnerUp, null);
});

test('bad vectors are rejected with a typed error and change nothing', () => {
  const g = new Gallery(128);
  const [v] = vectors(1, 128, 1);
  g.add('r0', 'A', v);
  assert.throws(() => g.add('r1', 'A', new Float32Array(64)), (e: unknown) => e instanceof GalleryError && e.code === 'dimension');
  assert.throws(() => g.add('r0', 'A', v), (e: unknown) => e instanceof GalleryError && e.code === 'duplicate-row');
  const nan = v.slice();
  nan[3] = NaN;
  assert.throws(() => g.add('r2', 'A', nan), (e: unknown) => e instanceof GalleryError && e.code === 'not-finite');
  assert.equal(g.size, 1);
  assert.throws(() => g.search(new Float32Array(3)), GalleryError);
  assert.deepEqual(new Gallery(128).search(v), { best: null, runnerUp: null });
});
