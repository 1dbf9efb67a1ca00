/** Small order statistics shared by the visit logic, reports and the benchmark scripts. */

/** The middle value (the mean of the two middle ones for an even count); null when there are none. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Nearest-rank percentile (p in 0..100): the smallest value with at least p % of the values at or
 * below it. NaN when there are none, so a benchmark's JSON line shows `null` rather than a made-up number.
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** `x` rounded to `digits` decimals (figures in reports and benchmark JSON). */
export function roundTo(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}
