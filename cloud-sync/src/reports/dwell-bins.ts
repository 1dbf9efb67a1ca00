/**
 * Dwell is kept per site and day as a histogram of fine bins (`site_daily.dwell_histogram`), so the median
 * of any period and set of sites comes from a few hundred counts instead of every visit. The bins are as
 * fine as a dwell time is read: 10 s below 10 min, 30 s below 1 h, 2 min below 4 h, 10 min below 24 h, then
 * one open bin. A median read from them is the middle of its bin, within half the bin's width of the exact
 * median; the reports give that width as the median's resolution.
 */
const STEPS: Array<{ below: number; step: number }> = [
  { below: 600, step: 10 },
  { below: 3600, step: 30 },
  { below: 14_400, step: 120 },
  { below: 86_400, step: 600 },
];

/** Lower edges in seconds: fine bin i (1-based, as `width_bucket` numbers it) is [EDGES[i-1], EDGES[i]); the last is open. */
export const FINE_DWELL_EDGES: readonly number[] = (() => {
  const edges = [0];
  for (const { below, step } of STEPS) while (edges[edges.length - 1] < below) edges.push(edges[edges.length - 1] + step);
  return edges;
})();

/** Element-wise sum of histograms of any lengths. */
export function addHistograms(into: number[], h: readonly number[]): number[] {
  for (let i = 0; i < h.length; i++) into[i] = (into[i] ?? 0) + h[i];
  return into;
}

function binValue(i: number): { mid: number; width: number | null } {
  const lo = FINE_DWELL_EDGES[i];
  const hi = FINE_DWELL_EDGES[i + 1];
  return hi === undefined ? { mid: lo, width: null } : { mid: (lo + hi) / 2, width: hi - lo };
}

export interface DwellMedian {
  seconds: number;
  /** Width of the bin(s) the median was read from; the exact median is within half of it. Null in the open bin (24 h and more). */
  resolutionSeconds: number | null;
}

/**
 * The median of a fine histogram (counts[i] = visits in bin i, 0-based), as `percentile_cont(0.5)` defines it:
 * the middle value, or the mean of the two middle values, each taken as its bin's middle.
 */
export function histogramMedian(counts: readonly number[]): DwellMedian | null {
  const n = counts.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const binOfRank = (rank: number) => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (rank < seen) return i;
    }
    return counts.length - 1;
  };
  const lo = binValue(binOfRank(Math.floor((n - 1) / 2)));
  const hi = binValue(binOfRank(Math.floor(n / 2)));
  const open = lo.width === null || hi.width === null;
  return { seconds: (lo.mid + hi.mid) / 2, resolutionSeconds: open ? null : Math.max(lo.width!, hi.width!) };
}

/** Folds a fine histogram into coarser bins whose lower edges are fine edges (`bounds`, seconds; the last is open). */
export function coarseHistogram(counts: readonly number[], bounds: readonly number[]): number[] {
  const out = new Array<number>(bounds.length).fill(0);
  for (let i = 0; i < counts.length; i++) {
    if (!counts[i]) continue;
    let b = bounds.length - 1;
    while (b > 0 && FINE_DWELL_EDGES[i] < bounds[b]) b--;
    out[b] += counts[i];
  }
  return out;
}

/** True when every bound is a fine edge, so coarse bins are exact sums of fine ones. */
export function alignsWithFineBins(bounds: readonly number[]): boolean {
  return bounds.every((b) => FINE_DWELL_EDGES.includes(b));
}
