/**
 * Capped exponential backoff: base, base·factor, base·factor², … up to max, reset after a success.
 * With `jitter: 'full'` the delay is uniform in [0, that ceiling] so a fleet that lost the cloud together
 * does not come back in lock-step; cameras retry on the plain schedule.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Growth per failure (default 2). */
  factor?: number;
  jitter?: 'none' | 'full';
  random?: () => number;
}

/** The retry ceiling after `attempt` failures (0-based), before any jitter: for callers that store the count. */
export function backoffCeiling(opts: BackoffOptions, attempt: number): number {
  // The exponent is bounded so a box offline for weeks never overflows to Infinity.
  return Math.min(opts.maxMs, opts.baseMs * (opts.factor ?? 2) ** Math.min(attempt, 60));
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** Delay before the next retry; each call grows the following one until the cap. */
  next(): number {
    const ceiling = backoffCeiling(this.opts, this.attempt);
    this.attempt++;
    return this.opts.jitter === 'full' ? Math.floor((this.opts.random ?? Math.random)() * ceiling) : ceiling;
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.attempt;
  }
}
