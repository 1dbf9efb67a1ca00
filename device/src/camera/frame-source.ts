import type { CameraFrame } from '../frame/frame.js';
import type { CameraFailure } from './failure.js';
import type { Result } from '../util/result.js';

/** Cumulative counters of one running source (they restart at 0 with each new source). */
export interface FrameSourceCounters {
  /** Frames out of the decoder (before the analysis-rate limit). */
  decodedFrames: number;
  /** Frames handed to the frame listeners. */
  deliveredFrames: number;
  /** Frames that passed the rate limit but were overwritten in the appsink because the consumer was busy. */
  droppedFrames: number;
  /** Decoder warnings/errors reported on the bus. */
  decodeErrors: number;
  width: number | null;
  height: number | null;
}

/** One camera stream producing analysis-sized RGB frames. Implementations: GstFrameSource. */
export interface FrameSource {
  /** The decoder element doing the work (stats report it). */
  readonly decoder: string;
  /** Starts streaming; a pipeline that cannot even be built is returned as a failure. */
  start(): Result<void, CameraFailure>;
  /** Stops streaming and releases the device/socket; no callbacks fire afterwards. Idempotent. */
  stop(): void;
  onFrame(listener: (frame: CameraFrame) => void): void;
  /** The stream failed or ended; the source is already stopped when this fires (once). */
  onFailure(listener: (failure: CameraFailure) => void): void;
  counters(): FrameSourceCounters;
}
