import type { IdentityService } from '../identity/identity-service.js';

/** The crop of a person's best-quality sample that has one: their thumbnail wherever people are listed. */
export function photoCropOf(samples: readonly { quality: number; cropId: string | null }[]): string | null {
  let best: { quality: number; cropId: string | null } | null = null;
  for (const x of samples) if (x.cropId && (!best || x.quality > best.quality)) best = x;
  return best?.cropId ?? null;
}

/** A staff member's or customer's thumbnail crop id, null when none is kept or the person is unknown. */
export function personPhoto(identity: Pick<IdentityService, 'getStaff' | 'getCustomer'>, personId: string): string | null {
  const d = personId.startsWith('S-') ? identity.getStaff(personId) : identity.getCustomer(personId);
  return d.ok ? photoCropOf(d.value.sampleList) : null;
}
