import { z } from 'zod';
import { IsoTime } from './visit.js';

/**
 * Placement check: how well a camera sees faces, from the faces the pipeline measured over the last minutes.
 * Every figure is a median of real measurements; with no measured face the figures are null and the advice says so.
 */
export const PlacementQuery = z.object({
  minutes: z.coerce.number().int().min(1).max(60).default(5).describe('Look-back window in minutes (1–60, default 5)'),
});

export const PlacementIssue = z.enum(['no-faces', 'too-small', 'blurry', 'turned-away', 'few-identifiable']);
export type PlacementIssue = z.infer<typeof PlacementIssue>;

export const CameraPlacement = z.object({
  cameraId: z.string(),
  from: IsoTime,
  to: IsoTime,
  /** Faces whose size, sharpness and pose were measured in the window. */
  facesMeasured: z.number().int().min(0),
  medianFaceWidthPx: z.number().nullable(),
  /** Laplacian variance of the 64×64 face chip (higher is sharper). */
  medianSharpness: z.number().nullable(),
  /** 0..1, 1 = looking straight at the camera. */
  medianFrontal: z.number().nullable(),
  /** Share (0..1) of measured faces large and sharp enough to identify someone. */
  identifiableShare: z.number().min(0).max(1).nullable(),
  /** `good` when nothing limits recognition; otherwise the issues, worst first. */
  verdict: z.enum(['good', 'poor', 'no-data']),
  issues: z.array(PlacementIssue),
  /** Plain sentences for an installer, e.g. "faces are 25 px wide: move the camera closer or zoom; recognition needs about 60 px". */
  advice: z.array(z.string()),
  /** The gates the figures are judged against. */
  needs: z.object({ minFaceWidthPx: z.number(), goodFaceWidthPx: z.number(), minSharpness: z.number(), goodFrontal: z.number() }),
});
export type CameraPlacement = z.infer<typeof CameraPlacement>;

export const PlacementReport = z.object({ minutes: z.number().int(), items: z.array(CameraPlacement) });
export type PlacementReport = z.infer<typeof PlacementReport>;
