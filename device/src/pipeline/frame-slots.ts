import type { CameraFrame } from '../frame/frame.js';

/**
 * Back-pressure between cameras and analysis: ONE waiting frame per camera, latest wins.
 * A frame that arrives while the camera's previous one is still waiting replaces it (the older one is
 * counted as dropped), so memory never grows with load and analysis always works on the freshest view.
 * `take()` serves cameras round-robin so a fast camera cannot starve a slow one.
 */
export class LatestFrameSlots {
  private readonly waiting = new Map<string, CameraFrame>();
  private readonly dropped = new Map<string, number>();
  private readonly accepted = new Map<string, number>();
  /** Camera ids in service order; the one served last moves to the back. */
  private order: string[] = [];

  /** Offers a frame; returns true when it displaced an older waiting frame of the same camera. */
  offer(frame: CameraFrame): boolean {
    const id = frame.cameraId;
    const old = this.waiting.get(id);
    const displaced = old !== undefined;
    if (displaced) {
      this.dropped.set(id, (this.dropped.get(id) ?? 0) + 1);
      old.release?.();
    }
    else if (!this.order.includes(id)) this.order.push(id);
    this.waiting.set(id, frame);
    this.accepted.set(id, (this.accepted.get(id) ?? 0) + 1);
    return displaced;
  }

  /** The next camera's waiting frame (round-robin), or null when none waits. */
  take(): CameraFrame | null {
    for (let i = 0; i < this.order.length; i++) {
      const id = this.order[i];
      const frame = this.waiting.get(id);
      if (!frame) continue;
      this.waiting.delete(id);
      this.order.splice(i, 1);
      this.order.push(id);
      // A demand-paced source decodes its next frame while this one is analysed.
      frame.release?.();
      return frame;
    }
    return null;
  }

  get size(): number {
    return this.waiting.size;
  }

  droppedFrames(cameraId: string): number {
    return this.dropped.get(cameraId) ?? 0;
  }

  acceptedFrames(cameraId: string): number {
    return this.accepted.get(cameraId) ?? 0;
  }

  /** Forgets a camera (removed from settings): its waiting frame is discarded, counters reset. */
  remove(cameraId: string): void {
    this.waiting.get(cameraId)?.release?.();
    this.waiting.delete(cameraId);
    this.dropped.delete(cameraId);
    this.accepted.delete(cameraId);
    this.order = this.order.filter((id) => id !== cameraId);
  }
}
