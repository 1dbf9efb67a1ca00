import { euclidean } from './thresholds.js';

/**
 * Robust statistics over a person's descriptors: element-wise median as the centre, inliers within a
 * radius of it, and the template as the mean of the inliers (a trimmed mean). One wrongly labelled or
 * badly aligned photo moves a mean a lot and a median hardly at all.
 */
export function elementwiseMedian(vectors: readonly Float32Array[]): Float32Array {
  const dim = vectors[0].length;
  const out = new Float32Array(dim);
  const col = new Float64Array(vectors.length);
  for (let i = 0; i < dim; i++) {
    for (let k = 0; k < vectors.length; k++) col[k] = vectors[k][i];
    col.sort();
    const m = col.length >> 1;
    out[i] = col.length % 2 ? col[m] : (col[m - 1] + col[m]) / 2;
  }
  return out;
}

export function mean(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) out[i] += v[i] / vectors.length;
  return out;
}

export interface RobustSplit {
  /** Indices within `radius` of the centre. */
  inliers: number[];
  outliers: number[];
  /** Distance of each vector to the centre. */
  distances: number[];
  /** Mean of the inliers (null when there are none). */
  template: Float32Array | null;
}

/**
 * Splits vectors into inliers and outliers around a robust centre. With three or more vectors the
 * centre is the element-wise median; with two it is their medoid pair (both in if they agree, else
 * neither can be trusted over the other, so both count as outliers); one vector is its own centre.
 */
export function robustSplit(vectors: readonly Float32Array[], radius: number): RobustSplit {
  if (vectors.length === 0) return { inliers: [], outliers: [], distances: [], template: null };
  if (vectors.length === 1) return { inliers: [0], outliers: [], distances: [0], template: Float32Array.from(vectors[0]) };
  if (vectors.length === 2) {
    const d = euclidean(vectors[0], vectors[1]);
    const agree = d <= radius; // a pair must be within `radius` of each other
    return agree
      ? { inliers: [0, 1], outliers: [], distances: [d / 2, d / 2], template: mean(vectors) }
      : { inliers: [], outliers: [0, 1], distances: [d / 2, d / 2], template: null };
  }
  const centre = elementwiseMedian(vectors);
  const distances = vectors.map((v) => euclidean(v, centre));
  const inliers: number[] = [];
  const outliers: number[] = [];
  distances.forEach((d, i) => (d <= radius ? inliers : outliers).push(i));
  return { inliers, outliers, distances, template: inliers.length ? mean(inliers.map((i) => vectors[i])) : null };
}
