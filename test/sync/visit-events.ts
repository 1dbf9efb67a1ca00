import type { Visit, VisitEvent } from '../../device/src/contracts/visit.js';

/** The event sequence the visit tracker emits for one visit: new, an update, end. */
export function visitLifecycle(id: string, personId: string, arrived: Date): VisitEvent[] {
  const base: Visit = {
    id,
    personId,
    kind: 'customer',
    arrivedAt: arrived.toISOString(),
    lastSeenAt: arrived.toISOString(),
    departedAt: null,
    dwellSeconds: 0,
    cameras: ['door'],
    detections: 1,
    bestCropId: `crops/${id}.jpg`,
    demographics: { ageMedian: 34, gender: 'female', samples: 1 },
    visitNumber: 1,
    returning: false,
    status: 'open',
  };
  const seen = new Date(arrived.getTime() + 120_000).toISOString();
  const updated: Visit = { ...base, lastSeenAt: seen, dwellSeconds: 120, detections: 6 };
  const ended: Visit = { ...updated, departedAt: seen, status: 'closed' };
  return [
    { type: 'new', before: null, after: base, at: base.arrivedAt },
    { type: 'update', before: base, after: updated, at: seen },
    { type: 'end', before: updated, after: ended, at: seen },
  ];
}
