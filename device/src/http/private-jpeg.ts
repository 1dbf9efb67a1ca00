import type { Response } from 'express';
import type { HttpError } from './errors.js';
import type { RawResponse } from './route.js';

/** A route that answers with one JPEG it sends itself (face crops, capture shots, snapshots). */
export const JPEG_RESPONSE: RawResponse = { contentType: 'image/jpeg', description: 'JPEG' };

/** Sends a picture of people (personal data: never kept by shared caches), or throws `missing()` when there is none. */
export function sendPrivateJpeg(res: Response, jpeg: Buffer | null, missing: () => HttpError): void {
  if (!jpeg) throw missing();
  res.status(200).set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, no-store' }).send(jpeg);
}
