/**
 * A reusable model-input buffer. Each frame needs about 2 MB of float input (a 320×240 detector view, the chips);
 * reusing them keeps that churn out of the allocator, which measurably lowers peak RSS. A call holds the buffer
 * from take() to give(); a call that overlaps it simply gets a fresh one, so no locking is needed.
 */
export class ScratchBuffer {
  private spare: Float32Array | null = null;

  /** A zero-based buffer of exactly `length` floats (contents undefined: callers overwrite every value). */
  take(length: number): Float32Array {
    const s = this.spare;
    if (s && s.length === length) {
      this.spare = null;
      return s;
    }
    return new Float32Array(length);
  }

  give(buffer: Float32Array): void {
    this.spare = buffer;
  }
}
