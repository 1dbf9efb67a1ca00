import type { EnrolCaptures } from '../capture/enrol-capture.js';
import type { EnrolSeenResult } from '../contracts/enrol-capture.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { EnrolCaptureService, ServiceError } from '../http/services.js';
import { err, ok, type Result } from '../util/result.js';

type Identity = Pick<IdentityService, 'getStaff' | 'getCustomer' | 'enrolStaff' | 'assignReview' | 'merge' | 'splitCustomer'>;

const asService = <T>(r: Result<T, { code: string; message: string }>): Result<T, ServiceError> =>
  r.ok
    ? r
    : err({ code: r.error.code === 'not_found' || r.error.code === 'not-found' ? 'not_found' : r.error.code === 'unavailable' ? 'unavailable' : r.error.code === 'conflict' ? 'conflict' : 'invalid', message: r.error.message });

/**
 * Enrolment from what a camera sees now (a capture) or saw before (review items, customers): both end in the
 * identity service's own operations, so the same checks apply as to uploaded photos, assignments and merges.
 */
export function bindEnrolment(camera: EnrolCaptures | null, identity: Identity): EnrolCaptureService {
  const none = err({ code: 'unavailable' as const, message: 'enrolment from a camera needs the analysis pipeline, which is not running here' });
  const samplesOf = (staffId: string) => {
    const s = identity.getStaff(staffId);
    return s.ok ? s.value.samples : 0;
  };
  return {
    start: (req) => (camera ? asService(camera.begin(req)) : none),
    get: (id) => (camera ? asService(camera.get(id)) : none),
    shot: (id, shotId) => camera?.shotJpeg(id, shotId) ?? null,
    drop: (id) => camera?.drop(id) ?? false,
    async enrol(staffId, { captureId, keep }) {
      const staff = identity.getStaff(staffId);
      if (!staff.ok) return asService(staff);
      if (!camera) return none;
      const photos = camera.photos(captureId, keep);
      if (!photos.ok) return asService(photos);
      const r = await identity.enrolStaff(staffId, photos.value);
      return asService(r);
    },
    async enrolSeen(staffId, req) {
      const staff = identity.getStaff(staffId);
      if (!staff.ok) return asService(staff);
      const sources: EnrolSeenResult['sources'] = [];
      for (const id of req.reviewIds) {
        const r = await identity.assignReview(id, staffId);
        sources.push(r.ok ? { kind: 'review', id, ok: true, added: r.value.added, message: `${r.value.added} face(s) added` } : { kind: 'review', id, ok: false, added: 0, message: r.error.message });
      }
      for (const id of req.customerIds) {
        const c = identity.getCustomer(id);
        if (!c.ok) {
          sources.push({ kind: 'customer', id, ok: false, added: 0, message: c.error.message });
          continue;
        }
        const before = samplesOf(staffId);
        const r = await identity.merge(staffId, [id]);
        const added = samplesOf(staffId) - before;
        sources.push(r.ok ? { kind: 'customer', id, ok: true, added, message: `customer ${id} is ${staff.value.name}: ${added} face(s) moved` } : { kind: 'customer', id, ok: false, added: 0, message: r.error.message });
      }
      for (const { customerId, sampleIds } of req.customerSamples) {
        // The chosen samples become a customer of their own, which then turns out to be the staff member.
        const split = await identity.splitCustomer(customerId, sampleIds);
        if (!split.ok) {
          sources.push({ kind: 'customer-samples', id: customerId, ok: false, added: 0, message: split.error.message });
          continue;
        }
        const before = samplesOf(staffId);
        const r = await identity.merge(staffId, [split.value.newId]);
        const added = samplesOf(staffId) - before;
        sources.push(
          r.ok
            ? { kind: 'customer-samples', id: customerId, ok: true, added, message: `${added} face(s) of ${customerId} moved` }
            : { kind: 'customer-samples', id: customerId, ok: false, added: 0, message: `split off as ${split.value.newId}, but: ${r.error.message}` },
        );
      }
      return ok({ staffId, sources, samples: samplesOf(staffId) });
    },
  };
}
