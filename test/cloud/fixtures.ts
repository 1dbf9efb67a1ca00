import { visitItemKey, type CloudVisit, type SyncItem } from '../../device/src/contracts/sync.js';

/** A closed customer/staff visit from local-agnostic UTC instants; dwell follows from the times. */
export function visit(p: {
  id: string;
  personId: string;
  kind?: 'customer' | 'staff' | 'unidentified';
  arrivedAt: string;
  departedAt: string | null;
  returning?: boolean;
  visitNumber?: number;
  age?: number | null;
  gender?: 'male' | 'female' | null;
}): CloudVisit {
  const arrived = Date.parse(p.arrivedAt);
  const end = p.departedAt ? Date.parse(p.departedAt) : arrived + 60_000;
  return {
    id: p.id,
    personId: p.personId,
    kind: p.kind ?? 'customer',
    arrivedAt: new Date(arrived).toISOString(),
    lastSeenAt: new Date(end).toISOString(),
    departedAt: p.departedAt ? new Date(end).toISOString() : null,
    dwellSeconds: (end - arrived) / 1000,
    cameras: ['door'],
    detections: 5,
    demographics: { ageMedian: p.age ?? null, gender: p.gender ?? null, samples: p.age == null && p.gender == null ? 0 : 3 },
    visitNumber: p.visitNumber ?? (p.returning ? 2 : 1),
    returning: p.returning ?? false,
    status: p.departedAt ? 'closed' : 'open',
  };
}

export function visitItemOf(v: CloudVisit, type: 'new' | 'update' | 'end' = v.status === 'closed' ? 'end' : 'new'): SyncItem {
  const at = v.status === 'closed' ? v.departedAt! : v.lastSeenAt;
  const payload = { type, at, visit: v };
  return { key: visitItemKey(payload), kind: 'visit', at, payload };
}

export function batch(deviceId: string, siteId: string, items: unknown[], batchId = `b-${Math.random().toString(36).slice(2)}`) {
  return { deviceId, siteId, batchId, items };
}
