/**
 * What is timed (ms). Per analysed frame: `wait` (capture → analysis start), `detect`, `locate` (landmarks +
 * quality), `embed` (batched descriptors + age/gender), `track`, `frame` (whole frame). Per track: `decision`
 * (one identity decision, run off the frame loop) and `latency` (wall time from the track's first frame to its
 * first identity event). `persons`: person detection, tracking and counting on cameras that run it.
 */
export const STAGES = ['wait', 'detect', 'locate', 'embed', 'track', 'persons', 'frame', 'decision', 'latency'] as const;
export type Stage = (typeof STAGES)[number];

/** Recent samples kept per stage: enough for a steady median, bounded in memory. */
const WINDOW = 512;

/**
 * Rolling per-stage timings for health, metrics and the benchmark: the last WINDOW samples of each stage
 * in a ring buffer; medians and percentiles are computed on demand (a few hundred numbers, cheap).
 */
export class StageTimings {
  private readonly rings = new Map<Stage, { values: Float64Array; next: number; count: number }>();

  record(stage: Stage, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let ring = this.rings.get(stage);
    if (!ring) {
      ring = { values: new Float64Array(WINDOW), next: 0, count: 0 };
      this.rings.set(stage, ring);
    }
    ring.values[ring.next] = ms;
    ring.next = (ring.next + 1) % WINDOW;
    ring.count = Math.min(WINDOW, ring.count + 1);
  }

  /** The q-quantile (0..1) of a stage's recent samples, null when none. */
  quantile(stage: Stage, q: number): number | null {
    return quantileOf(this.samples(stage), q);
  }

  /** Mean of a stage's recent samples, null when none (medians hide the few costly frames; means add up). */
  mean(stage: Stage): number | null {
    const ring = this.rings.get(stage);
    if (!ring || ring.count === 0) return null;
    let sum = 0;
    for (let i = 0; i < ring.count; i++) sum += ring.values[i];
    return sum / ring.count;
  }

  /** A copy of a stage's recent samples (oldest-first order is not kept). */
  samples(stage: Stage): number[] {
    const ring = this.rings.get(stage);
    return ring ? Array.from(ring.values.subarray(0, ring.count)) : [];
  }

  /** Samples of a stage in the window (frames where the stage ran). */
  count(stage: Stage): number {
    return this.rings.get(stage)?.count ?? 0;
  }

  /** Median per stage (stages without samples are left out), rounded to 0.01 ms. */
  medians(): Partial<Record<Stage, number>> {
    const out: Partial<Record<Stage, number>> = {};
    for (const s of STAGES) {
      const m = this.quantile(s, 0.5);
      if (m !== null) out[s] = Math.round(m * 100) / 100;
    }
    return out;
  }

  reset(): void {
    this.rings.clear();
  }
}

/** Linear-interpolated quantile of unsorted numbers (null for none). */
export function quantileOf(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
