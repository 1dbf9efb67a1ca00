import { z } from 'zod';
import type { RgbFrame } from '../camera/frame.js';
import { Box } from '../contracts/live.js';
import { Gender, VisitKind } from '../contracts/visit.js';

const isFrame = (v: unknown): v is RgbFrame => {
  const f = v as RgbFrame;
  return !!f && f.data instanceof Uint8Array && Number.isInteger(f.width) && Number.isInteger(f.height) && Number.isInteger(f.stride);
};

/**
 * A decided sighting: the tracker has settled who a face is (per track, never per frame) and
 * hands it to the visit tracker. `crop` is the face to keep as the visit's picture if it is the
 * best so far: a frame region (encoded to JPEG here) or an already-encoded JPEG.
 */
export const Sighting = z.object({
  personId: z.string().min(1).max(64),
  kind: VisitKind,
  cameraId: z.string().min(1).max(64),
  /** Epoch ms of the sighting. */
  at: z.number().int().min(0).max(8.64e15),
  age: z.number().min(0).max(120).nullable(),
  gender: Gender.nullable(),
  /** The track's gender confidence (track.ts `trackGender`), when `gender` or an undecided vote is given. */
  genderConfidence: z.number().min(0).max(1).nullable().optional(),
  /** Face quality (higher is better); picks the visit's best crop. */
  quality: z.number().finite().min(0),
  crop: z
    .union([z.instanceof(Buffer), z.object({ frame: z.custom<RgbFrame>(isFrame, 'frame must be an RgbFrame'), box: Box })])
    .optional(),
});
export type Sighting = z.infer<typeof Sighting>;
