import { euclidean } from './thresholds.js';

/** A single good face of an ended track that did not become anyone (yet). */
export interface PendingUnknown<C = unknown> {
  trackId: string;
  cameraId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  vector: Float32Array;
  quality: number;
  crop?: C;
}

/**
 * Short-lived memory of one-sample unknown tracks, so that a customer can be formed from two tracks
 * ("at least 2 consistent samples"). Bounded and time-limited; in memory only: a lone sample was
 * never accepted as a person, so nothing accepted is lost on restart.
 */
export class PendingUnknowns<C = unknown> {
  private items: PendingUnknown<C>[] = [];

  constructor(
    private readonly maxItems = 500,
    private readonly ttlMs = 30 * 60_000,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /**
   * Removes and returns the closest pending sample within `maxDistance` that can be the same person:
   * never the same track, and never a track of the same camera that overlapped in time (two faces in
   * one frame are two people).
   */
  takeMatch(c: PendingUnknown<C>, maxDistance: number, now: number): PendingUnknown<C> | null {
    this.prune(now);
    let best = -1;
    let bestD = Infinity;
    this.items.forEach((p, i) => {
      if (p.trackId === c.trackId) return;
      if (p.cameraId === c.cameraId && p.firstSeenAt <= c.lastSeenAt && c.firstSeenAt <= p.lastSeenAt) return;
      const d = euclidean(p.vector, c.vector);
      if (d <= maxDistance && d < bestD) {
        best = i;
        bestD = d;
      }
    });
    return best < 0 ? null : this.items.splice(best, 1)[0];
  }

  add(p: PendingUnknown<C>, now: number): void {
    this.prune(now);
    this.items.push(p);
    if (this.items.length > this.maxItems) this.items.shift();
  }

  /** Forgets every pending sample (e.g. on stop). */
  clear(): void {
    this.items = [];
  }

  private prune(now: number): void {
    this.items = this.items.filter((p) => now - p.lastSeenAt <= this.ttlMs);
  }
}
