/**
 * Per-face quality: can this face decide an identity? Four measurements and one combined score.
 * - size: face width in frame pixels. Faces 12–25 px wide gave embeddings that could not tell people apart
 *   (models.md "Lessons"), and UltraFace is reliable only from ~36 px (§2.3); so identity needs ≥ 36 px, and the
 *   size score grows from there to GOOD_FACE_PX.
 * - sharpness: variance of the Laplacian over a 64×64 gray chip of the face (blur lowers it).
 * On the hamilton clip every wrong name given by a single frame came from a face below one of these two gates
 * (34–35 px wide, or Laplacian variance 1–21) while every correct one passed them; the gates were chosen there.
 * - frontal: 0..1 yaw symmetry from the landmarks (nose tip to either jaw side, smaller over larger).
 * - score: the detector's face probability.
 */
import type { RgbFrame } from '../frame/frame.js';
import type { Point } from './landmarks.js';
import { warpInto, type Affine } from './warp.js';
import type { FaceQuality } from '../frame/face.js';


/** Faces narrower than this carry no usable identity. */
export const MIN_IDENTITY_FACE_PX = 36;
/** From this width on, size no longer limits identification. */
export const GOOD_FACE_PX = 72;
/**
 * Blurrier than this (Laplacian variance of the 64×64 chip) carries no usable identity. On the clip the per-frame
 * names (bench:faces video) are the same at 30 and at 40, while at 40 a three-quarter-profile face hovering at
 * 29–44 waits 0.9 s for its second usable shot (bench:pipeline latency): 30 names as well, sooner.
 */
export const MIN_IDENTITY_SHARPNESS = 30;
/** Laplacian variance at which sharpness no longer limits identification. */
export const SHARP_LAPLACIAN_VARIANCE = 160;
export const SHARPNESS_CHIP = 64;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Variance of the 4-neighbour Laplacian over a gray chip sampled through `chipMap` (64×64 output pixels). */
export function laplacianVariance(frame: RgbFrame, chipMap: Affine): number {
  const n = SHARPNESS_CHIP;
  const g = new Float32Array(n * n);
  warpInto(frame, chipMap, n, n, g, 0, { layout: 'gray', border: 'zero' });
  let sum = 0, sum2 = 0, count = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = g[i - 1] + g[i + 1] + g[i - n] + g[i + n] - 4 * g[i];
      sum += lap;
      sum2 += lap * lap;
      count++;
    }
  }
  const m = sum / count;
  return sum2 / count - m * m;
}

/** Yaw symmetry: nose tip (30) to the jaw's image-left end (0) vs image-right end (16). */
export function frontalScore(landmarks: Point[]): number {
  const nose = landmarks[30];
  const dl = Math.hypot(nose.x - landmarks[0].x, nose.y - landmarks[0].y);
  const dr = Math.hypot(nose.x - landmarks[16].x, nose.y - landmarks[16].y);
  const hi = Math.max(dl, dr);
  return hi > 0 ? Math.min(dl, dr) / hi : 0;
}

/** Whether a descriptor of this face may name someone (false: track it, but wait for a better view). */
export function canIdentify(q: Pick<FaceQuality, 'size' | 'sharpness'>): boolean {
  return q.size >= MIN_IDENTITY_FACE_PX && q.sharpness >= MIN_IDENTITY_SHARPNESS;
}

/** 0 when identity is impossible (below either gate), rising to 1 for large, sharp, frontal, certain faces. */
export function combinedQuality(size: number, sharpness: number, frontal: number, detScore: number): number {
  if (!canIdentify({ size, sharpness })) return 0;
  const sizeScore = 0.5 + 0.5 * clamp01((size - MIN_IDENTITY_FACE_PX) / (GOOD_FACE_PX - MIN_IDENTITY_FACE_PX));
  const sharpScore = 0.5 + 0.5 * clamp01((sharpness - MIN_IDENTITY_SHARPNESS) / (SHARP_LAPLACIAN_VARIANCE - MIN_IDENTITY_SHARPNESS));
  return sizeScore * Math.sqrt(sharpScore) * Math.sqrt(clamp01(frontal)) * clamp01(detScore);
}

export function measureQuality(frame: RgbFrame, width: number, landmarks: Point[], chipMap64: Affine, detScore: number, levelled = false): FaceQuality {
  const sharpness = laplacianVariance(frame, chipMap64);
  const frontal = frontalScore(landmarks);
  return { size: width, sharpness, frontal, score: combinedQuality(width, sharpness, frontal, detScore), ...(levelled ? { levelled } : {}) };
}
