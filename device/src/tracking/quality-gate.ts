import type { FaceQuality } from '../frame/face.js';
import type { TrackedFace } from './types.js';

/** The size/blur floor (Settings.recognition.minFaceSize / minSharpness). */
export interface QualityGate {
  minFaceSize: number;
  minSharpness: number;
  /**
   * Floor on the engine's combined quality (size, sharpness, frontal pose, detection score). The engine
   * gives 0 when identity is impossible; near-profile faces score low and match each other too easily.
   */
  minQuality?: number;
}

export const DEFAULT_MIN_QUALITY = 0.2;

/**
 * The quality of a face that was deliberately not located (a decided track between its quality checks): only
 * the size is known; sharpness, frontal and score are 0, so such a face is tracked and counted, never decisive.
 */
export function unmeasuredQuality(width: number): FaceQuality {
  return { size: width, sharpness: 0, frontal: 0, score: 0 };
}

/**
 * Whether a face may take part in identity decisions. Tiny faces give embeddings that cannot tell
 * people apart, and blurred ones drift: such faces are still tracked and counted, never used to decide.
 */
export function isDecisive(face: TrackedFace, gate: QualityGate): boolean {
  return (
    face.quality.size >= gate.minFaceSize &&
    face.quality.sharpness >= gate.minSharpness &&
    face.quality.score >= (gate.minQuality ?? DEFAULT_MIN_QUALITY)
  );
}

/** A shot's weight in the track-averaged distance: detection score × a size factor saturating at 2× the floor. */
export function shotWeight(face: TrackedFace, gate: QualityGate): number {
  const sizeFactor = Math.min(1, face.quality.size / (2 * Math.max(1, gate.minFaceSize)));
  return Math.max(0.01, face.score) * sizeFactor;
}
