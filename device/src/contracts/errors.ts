import { z } from 'zod';

/**
 * Codes the shared express error handler (`util/http-errors.ts`) answers with on both the appliance and
 * cloud-sync: malformed or oversized bodies, refused uploads, and the leak-nothing 500.
 */
export const CommonErrorCode = z.enum([
  'bad_request',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'internal',
]);
export type CommonErrorCode = z.infer<typeof CommonErrorCode>;

/**
 * The one error body of every non-2xx answer, from the appliance and from cloud-sync. `code` is a stable
 * machine code; it stays a string on the wire so a client tolerates codes a newer peer adds (each
 * service lists its own: the appliance's `ErrorCode` in http.ts, cloud-sync's in docs/cloud.md).
 */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
