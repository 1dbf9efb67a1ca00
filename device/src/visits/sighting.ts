import { z } from 'zod';
import { Box } from '../contracts/live.js';
import { Gender } from '../contracts/visit.js';
import { isCropSource, type CropSource } from '../frame/face-crop.js';

/**
 * A decided sighting: the tracker has settled who a face is (per track, never per frame) and
 * hands it to the visit tracker. `crop` is the face to keep as the visit's picture if it is the
 * best so far: a face crop of a frame (encoded to JPEG only when kept) or an already-encoded JPEG.
 */
export const Sighting = z.object({
  personId: z.string().min(1).max(64),
  kind: z.enum(['staff', 'customer']),
  cameraId: z.string().min(1).max(64),
  /** Epoch ms of the sighting. */
  at: z.number().int().min(0).max(8.64e15),
  age: z.number().min(0).max(120).nullable(),
  gender: Gender.nullable(),
  /** Face quality (higher is better); picks the visit's best crop. */
  quality: z.number().finite().min(0),
  crop: z
    .custom<CropSource>((v) => isCropSource(v) && ('jpeg' in v || Box.safeParse(v.box).success), 'crop must be { jpeg } or { frame, box }')
    .optional(),
});
export type Sighting = z.infer<typeof Sighting>;
