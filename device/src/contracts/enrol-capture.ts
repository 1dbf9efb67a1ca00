import { z } from 'zod';
import { IsoTime } from './visit.js';

/**
 * Enrol from a camera: the person stands in front of a chosen camera, the appliance keeps the best few
 * single-face shots over some seconds, the page shows them (JPEG per shot), the manager keeps or drops each and
 * enrols the kept ones into a staff member.
 */
export const StartCaptureRequest = z
  .object({
    cameraId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'cameraId: a camera id'),
    seconds: z.number().int().min(2).max(30).default(8),
    maxShots: z.number().int().min(1).max(10).default(5),
  })
  .strict();
export type StartCaptureRequest = z.infer<typeof StartCaptureRequest>;

export const CaptureShot = z.object({
  shotId: z.string(),
  at: IsoTime,
  /** Face width in pixels in the analysed frame. */
  widthPx: z.number(),
  sharpness: z.number(),
  frontal: z.number(),
  /** Combined 0..1 quality the shots are ranked by. */
  quality: z.number(),
});
export type CaptureShot = z.infer<typeof CaptureShot>;

export const CaptureView = z.object({
  id: z.string(),
  cameraId: z.string(),
  /** `collecting` until `endsAt`; then `done`. Shots are kept in memory for a few minutes, then the capture expires. */
  state: z.enum(['collecting', 'done']),
  startedAt: IsoTime,
  endsAt: IsoTime,
  expiresAt: IsoTime,
  /** Analysed frames of the camera during the capture. */
  frames: z.number().int(),
  /** Frames with exactly one face (only those can give a shot: who else would it be?). */
  singleFaceFrames: z.number().int(),
  /** Single faces too small or too blurred to enrol. */
  tooPoor: z.number().int(),
  /** Best first. */
  shots: z.array(CaptureShot),
  /** Why there are no shots yet, or null. */
  hint: z.string().nullable(),
});
export type CaptureView = z.infer<typeof CaptureView>;

export const CaptureParams = z.object({ id: z.string().regex(/^K-[a-z0-9]{8,32}$/, 'not a capture id') });
export const CaptureShotParams = CaptureParams.extend({ shotId: z.string().regex(/^[0-9]{1,3}$/, 'not a shot id') });

export const EnrolCaptureRequest = z
  .object({
    captureId: CaptureParams.shape.id,
    /** The shots the manager kept. */
    keep: z.array(CaptureShotParams.shape.shotId).min(1).max(10),
  })
  .strict();
export type EnrolCaptureRequest = z.infer<typeof EnrolCaptureRequest>;

/** Enrol from faces the box already saw: review items, whole customers, or some samples of a customer. */
const safeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/);
export const EnrolSeenRequest = z
  .object({
    reviewIds: z.array(safeId).max(100).default([]),
    /** Customers who turned out to be this staff member: all their samples move over and the customer is gone. */
    customerIds: z.array(safeId).max(50).default([]),
    /** Only these samples of a customer move over (the customer keeps the rest). */
    customerSamples: z.array(z.object({ customerId: safeId, sampleIds: z.array(safeId).min(1).max(100) })).max(50).default([]),
  })
  .strict()
  .refine((r) => r.reviewIds.length + r.customerIds.length + r.customerSamples.length > 0, { message: 'name at least one review item, customer or sample' });
export type EnrolSeenRequest = z.infer<typeof EnrolSeenRequest>;

export const EnrolSeenResult = z.object({
  staffId: z.string(),
  /** One line per source, in request order. */
  sources: z.array(
    z.object({
      kind: z.enum(['review', 'customer', 'customer-samples']),
      id: z.string(),
      ok: z.boolean(),
      /** Samples the staff member gained from this source. */
      added: z.number().int(),
      message: z.string(),
    }),
  ),
  /** Samples the staff member has now. */
  samples: z.number().int(),
});
export type EnrolSeenResult = z.infer<typeof EnrolSeenResult>;
