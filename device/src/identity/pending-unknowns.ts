import { euclidean } from './thresholds.js';

/** A single good face of an ended track that did not become anyone (yet). */
export interface PendingUnknown<T = unknown> {
  trackId: string;
  cameraId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  vector: Float32Array;
  quality: number;
  /** The ended track as identity saw it (its summary, with the face's crop): handed back if it pairs. */
  track: T;
}

/**
 * Short-lived memory of one-sample unknown tracks, so that a customer can be formed from two tracks
 * ("at least 2 consistent samples"). Bounded and time-limited, and deliberately in memory only:
 * - a lone face was never accepted as a person, so a restart loses nothing that was accepted;
 * - it is a biometric template of a passer-by nobody asked about: keeping it off disk is data
 *   minimisation (it is gone after 30 minutes or a restart, whichever comes first);
 * - its use is to give the EARLIER track a visit when the pair forms, and that track's visit window
 *   (the visit gap, 30 minutes) is what the time limit matches; after a restart that window is stale.
 */
export class PendingUnknowns<T = unknown> {
  private items: PendingUnknown<T>[] = [];

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
  takeMatch(c: Omit<PendingUnknown<T>, 'track'>, maxDistance: number, now: number): PendingUnknown<T> | null {
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

  add(p: PendingUnknown<T>, now: number): void {
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
