import { z } from 'zod';
import { IsoTime, type Visit } from '../contracts/visit.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * Query parameters of the visit list, export and reports, as they arrive from a URL (strings are
 * coerced). `from`/`to` bound the arrival time: [from, to).
 */
export const VisitFilterParams = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    kind: z.enum(['staff', 'customer']).optional(),
    personId: z.string().min(1).max(64).optional(),
    cameraId: z.string().min(1).max(64).optional(),
    /** Minimum dwell in seconds. */
    minDwell: z.coerce.number().min(0).max(1e7).optional(),
    status: z.enum(['open', 'closed']).optional(),
    /** `true`: returning customers' visits only; `false`: first visits only. */
    returning: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(400).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export type VisitFilterParams = z.infer<typeof VisitFilterParams>;

export function parseVisitFilter(input: unknown): Result<VisitFilterParams, string> {
  const r = VisitFilterParams.safeParse(input ?? {});
  if (r.success) return ok(r.data);
  return err(r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
}

/** The record predicate of a filter (time bounds are applied by the log scan itself). */
export function visitPredicate(q: VisitFilterParams): (v: Visit) => boolean {
  return (v) =>
    (q.kind === undefined || v.kind === q.kind) &&
    (q.personId === undefined || v.personId === q.personId) &&
    (q.cameraId === undefined || v.cameras.includes(q.cameraId)) &&
    (q.minDwell === undefined || v.dwellSeconds >= q.minDwell) &&
    (q.status === undefined || v.status === q.status) &&
    (q.returning === undefined || String(v.returning) === q.returning);
}

export function timeBounds(q: { from?: string; to?: string }): { from?: number; to?: number } {
  return { from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined };
}
