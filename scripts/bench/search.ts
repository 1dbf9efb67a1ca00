/**
 * 1:N search benchmark: median milliseconds per query over galleries of 10,000 and 100,000 identities
 * (one random unit vector each, 128-D), queried with fresh random unit vectors.
 * Prints one JSON object as its last line: { "10000": ms, "100000": ms }.
 */
import { pathToFileURL } from 'node:url';
import { Gallery } from '../../device/src/identity/gallery.js';
import { EMBEDDING_LENGTH } from '../../device/src/frame/face.js';
import { median, roundTo } from '../../device/src/util/stats.js';

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomUnit(next: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    // Box-Muller normal components give directions uniform on the sphere.
    const g = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
    v[i] = g;
    n += g * g;
  }
  n = Math.sqrt(n);
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

export function benchSearch(sizes: number[] = [10_000, 100_000], queries = 200): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of sizes) {
    const next = rng(n);
    const g = new Gallery(EMBEDDING_LENGTH, n);
    for (let i = 0; i < n; i++) g.add(`r${i}`, `C-${i}`, randomUnit(next, EMBEDDING_LENGTH));
    const qs = Array.from({ length: queries + 20 }, () => randomUnit(next, EMBEDDING_LENGTH));
    for (let i = 0; i < 20; i++) g.search(qs[i]); // warm-up (JIT)
    const times: number[] = [];
    for (let i = 20; i < qs.length; i++) {
      const t0 = process.hrtime.bigint();
      g.search(qs[i]);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    out[String(n)] = roundTo(median(times) ?? NaN, 3);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = benchSearch();
  // Context line for humans; the JSON line stays last.
  console.log(`kernel: ${new Gallery().simd ? 'wasm-simd' : 'js'}; median ms per query over 200 random unit queries`);
  console.log(JSON.stringify(result));
}
