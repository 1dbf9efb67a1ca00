import type { IdentityService } from '../identity/identity-service.js';
import { groupReviewItems } from '../identity/review-groups.js';
import type { ReviewGroupService } from '../http/services.js';
import type { ReviewBatchResult } from '../contracts/review-groups.js';
import { personPhoto } from './person-photo.js';

type Identity = Pick<IdentityService, 'listReview' | 'personInfo' | 'getStaff' | 'getCustomer' | 'assignReview' | 'notThisPersonReview' | 'dismissReview'>;

/** The review queue in groups, and one action over many items (each done on its own, failures reported per item). */
export function bindReviewGroups(identity: Identity, perTrackCap: number): ReviewGroupService {
  const lookup = (personId: string) => {
    const info = identity.personInfo(personId);
    return info ? { id: personId, kind: info.kind, name: info.name, cropId: personPhoto(identity, personId) } : null;
  };
  return {
    groups() {
      const items = identity.listReview();
      return { groups: groupReviewItems(items, lookup), totalItems: items.length, perTrackCap };
    },
    async act(req) {
      const out: ReviewBatchResult = { action: req.action, done: [], failed: [] };
      for (const id of req.itemIds) {
        const r =
          req.action === 'assign'
            ? await identity.assignReview(id, req.personId)
            : req.action === 'not-this-person'
              ? await identity.notThisPersonReview(id, req.personId)
              : await identity.dismissReview(id);
        if (r.ok) out.done.push({ id, personId: 'personId' in r.value ? r.value.personId : null });
        else out.failed.push({ id, message: r.error.message });
      }
      return out;
    },
  };
}
