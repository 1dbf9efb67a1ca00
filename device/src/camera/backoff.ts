/** Capped exponential backoff: base, base·factor, base·factor², … up to max; reset after a success. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, factor: 2 };

export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Delay before the next retry; each call grows the following one until the cap. */
  next(): number {
    const delay = Math.min(this.opts.maxMs, this.opts.baseMs * this.opts.factor ** this.attempt);
    this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
