import type { CameraFrame } from '../camera/frame.js';
import type { Box } from '../contracts/live.js';
import type { PersonKind } from '../contracts/visit.js';
import type { TrackState } from '../tracking/types.js';

/** A face on the latest analysed frame, as the live view draws it. */
export interface LiveFace {
  trackId: string;
  box: Box;
  state: TrackState;
  personId: string | null;
  kind: PersonKind;
  /** Staff display name; never set for customers. */
  name: string | null;
  /** Decision confidence 0..1, null while undecided. */
  score: number | null;
}

/** The newest analysed frame of a camera with the faces found on it. */
export interface LiveFrame {
  cameraId: string;
  frame: CameraFrame;
  faces: LiveFace[];
  /** Epoch ms the analysis of this frame finished. */
  analysedAt: number;
}

/** What the live view (MJPEG) reads: no queue, just the latest state per camera. */
export interface LiveFrameSource {
  latestAnnotatedFrame(cameraId: string): LiveFrame | null;
  cameraIds(): string[];
}
