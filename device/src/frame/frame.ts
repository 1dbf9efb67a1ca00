/** A packed RGB image as the camera pipeline hands it to the face engine (3 bytes per pixel, rows `stride` bytes apart). */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
  /** Bytes from one row to the next (>= width * 3; GStreamer pads rows to 4 bytes). */
  stride: number;
}

/** One analysed frame from a camera. */
export interface CameraFrame extends RgbFrame {
  cameraId: string;
  /** Frame counter since the source started. */
  seq: number;
  /** Wall-clock time (epoch ms) the frame was pulled from GStreamer. */
  capturedAt: number;
  /** Presentation time in ms from the stream, when known (files), else null. */
  ptsMs: number | null;
  /**
   * Present only on demand-paced sources (a file read as fast as it is consumed, see `pullOnRelease`): the
   * next frame is decoded once this is called, so a consumer calls it when it has taken or dropped the frame.
   */
  release?: () => void;
}

/** Where frames come from: the camera manager's frame listener API (pipeline, live view). Returns the unsubscribe. */
export interface FrameFeed {
  onFrame(listener: (frame: CameraFrame) => void): () => void;
}
