/** Scoring helpers for bench:faces: ordered-name agreement (LCS), verification statistics (EER, d′). */
import { median as medianOrNull, roundTo } from '../../device/src/util/stats.js';

/**
 * Longest common subsequence between predicted names (null = nobody named) and the labelled names, in order.
 * Returns how many agree and how many named predictions are outside the alignment (wrong names).
 */
export function lcsScore(predicted: Array<string | null>, labels: string[]): { correct: number; wrongNamed: number } {
  const n = predicted.length, m = labels.length;
  const dp = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      dp[i][j] = predicted[i - 1] !== null && predicted[i - 1] === labels[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  const matched = new Set<number>();
  for (let i = n, j = m; i > 0 && j > 0;) {
    if (predicted[i - 1] !== null && predicted[i - 1] === labels[j - 1] && dp[i][j] === dp[i - 1][j - 1] + 1) { matched.add(i - 1); i--; j--; }
    else if (dp[i - 1][j] >= dp[i][j - 1]) i--;
    else j--;
  }
  const wrongNamed = predicted.filter((p, i) => p !== null && !matched.has(i)).length;
  return { correct: dp[n][m], wrongNamed };
}

export interface Distribution { count: number; min: number; mean: number; max: number; sd: number; p05: number; p95: number }

export function distribution(values: number[]): Distribution {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { count: s.length, min: r4(s[0]), mean: r4(mean), max: r4(s[s.length - 1]), sd: r4(sd), p05: r4(q(0.05)), p95: r4(q(0.95)) };
}

/**
 * Equal error rate for distances (genuine should be small): sweep every observed distance as a threshold and take
 * the point where false rejects and false accepts are closest. When the sets separate, the threshold is the middle
 * of the gap (as in models.md §3).
 */
export function equalErrorRate(genuine: number[], impostor: number[]): { eer: number; threshold: number; separable: boolean } {
  const gMax = Math.max(...genuine), iMin = Math.min(...impostor);
  if (gMax < iMin) return { eer: 0, threshold: r4((gMax + iMin) / 2), separable: true };
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  for (const t of [...genuine, ...impostor].sort((a, b) => a - b)) {
    const frr = genuine.filter((d) => d > t).length / genuine.length;
    const far = impostor.filter((d) => d <= t).length / impostor.length;
    const gap = Math.abs(frr - far);
    if (gap < best.gap) best = { gap, eer: (frr + far) / 2, threshold: t };
  }
  return { eer: r4(best.eer), threshold: r4(best.threshold), separable: false };
}

/** d′ = |μg − μi| / √((σg² + σi²)/2). */
export function dPrime(g: Distribution, i: Distribution): number {
  return r4(Math.abs(g.mean - i.mean) / Math.sqrt((g.sd ** 2 + i.sd ** 2) / 2));
}

/** util/stats' median as a plain number (NaN for none) for the bench's JSON figures. */
export const median = (xs: readonly number[]): number => medianOrNull(xs) ?? NaN;

export const r4 = (v: number) => roundTo(v, 4);
