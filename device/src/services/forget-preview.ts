import type { IdentityService } from '../identity/identity-service.js';
import type { CropStore } from '../store/crop-store.js';
import type { ForgetPreviewService } from '../http/services.js';
import { err, ok } from '../util/result.js';

/**
 * What forgetting a person removes, counted the way forgetting removes it (identity's erase: the person's samples,
 * their crops — including crops filed under them by visits and review — and the person record).
 */
export function bindForgetPreview(
  identity: Pick<IdentityService, 'getStaff' | 'getCustomer'>,
  crops: Pick<CropStore, 'list'> | null,
  visitCount: ((personId: string) => Promise<number>) | null,
): ForgetPreviewService {
  return {
    async preview(personId) {
      const staff = personId.startsWith('S-');
      const d = staff ? identity.getStaff(personId) : identity.getCustomer(personId);
      if (!d.ok) return err({ code: 'not_found', message: d.error.message });
      const ids = new Set(d.value.sampleList.map((s) => s.cropId).filter((x): x is string => x !== null));
      for (const c of (await crops?.list({ personId })) ?? []) ids.add(c.id);
      const visits = visitCount ? await visitCount(personId) : null;
      const who = staff ? `staff member ${personId}` : `customer ${personId}`;
      return ok({
        personId,
        kind: staff ? 'staff' : 'customer',
        samples: d.value.samples,
        crops: ids.size,
        visits,
        removes: [
          `${who}${staff ? '' : ' and the note kept about them'}`,
          `${d.value.samples} face sample(s) (the numbers recognition compares), so this person is not recognised again`,
          `${ids.size} face picture(s) (crops) of them`,
        ],
        keeps: [
          `${visits === null ? 'their' : visits} past visit(s) stay in the visit list and reports (under the id ${personId}, with no face)`,
          `their visit counter is removed: if they come back they are ${staff ? 'not recognised as staff' : 'a new customer'}`,
          'the audit log entry saying who forgot them and when',
        ],
      });
    },
  };
}
