/** Rate of a growing counter over a sliding time window (samples taken by the caller, e.g. once a second). */
export class RateMeter {
  private samples: { t: number; count: number }[] = [];

  constructor(private readonly windowMs = 5_000) {}

  sample(count: number, now: number): void {
    // A counter that went backwards belongs to a new stream (a looping file restarted, a reconnect):
    // measure from here, never a negative rate.
    const last = this.samples[this.samples.length - 1];
    if (last && count < last.count) this.samples = [];
    this.samples.push({ t: now, count });
    while (this.samples.length > 2 && now - this.samples[0].t > this.windowMs) this.samples.shift();
  }

  /** Events per second over the window; 0 until two samples exist. */
  perSecond(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    return b.t > a.t ? ((b.count - a.count) * 1000) / (b.t - a.t) : 0;
  }

  clear(): void {
    this.samples = [];
  }
}
