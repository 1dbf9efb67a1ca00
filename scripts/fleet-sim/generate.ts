import { visitItemKey, type CloudVisit, type Heartbeat, type SyncItem } from '../../device/src/contracts/sync.js';

// The same deterministic PRNG (mulberry32) as the search benchmark, so a simulated fleet is reproducible from its seed.
export { rng as prng } from '../bench/search.js';

export interface SimDevice {
  deviceId: string;
  siteId: string;
  token: string;
}

/**
 * One simulated day of a shop: `visits` visits between 08:00 and 20:00 UTC of `day`, ~40 % by
 * returning customers from a pool, ~5 % staff, dwell 1–40 min. Each becomes the closed visit the
 * appliance would finally upload.
 */
export function simulateDay(device: SimDevice, day: Date, visits: number, rnd: () => number, seq: { n: number }): CloudVisit[] {
  const out: CloudVisit[] = [];
  const open = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 8);
  for (let i = 0; i < visits; i++) {
    const arrived = open + Math.floor(rnd() * 12 * 3600_000);
    const dwell = 60 + Math.floor(rnd() * 2340);
    const staff = rnd() < 0.05;
    const returning = !staff && rnd() < 0.4;
    const end = new Date(arrived + dwell * 1000).toISOString();
    const id = `${device.deviceId}-${seq.n++}`;
    out.push({
      id,
      personId: staff ? `S-${1 + Math.floor(rnd() * 8)}` : `C-${Math.floor(rnd() * 5000)}`,
      kind: staff ? 'staff' : 'customer',
      arrivedAt: new Date(arrived).toISOString(),
      lastSeenAt: end,
      departedAt: end,
      dwellSeconds: dwell,
      cameras: ['door', 'floor'],
      detections: 3 + Math.floor(rnd() * 40),
      demographics: { ageMedian: 16 + Math.floor(rnd() * 60), gender: rnd() < 0.5 ? 'male' : 'female', samples: 3 },
      visitNumber: returning ? 2 + Math.floor(rnd() * 10) : 1,
      returning,
      status: 'closed',
    });
  }
  return out.sort((a, b) => a.arrivedAt.localeCompare(b.arrivedAt));
}

export function visitEndItem(v: CloudVisit): SyncItem {
  const payload = { type: 'end' as const, at: v.lastSeenAt, visit: v };
  return { key: visitItemKey(payload), kind: 'visit', at: v.lastSeenAt, payload };
}

export function heartbeatFor(at: Date, pending: number, rnd: () => number): SyncItem {
  const payload: Heartbeat = {
    uptimeSeconds: 86_400,
    versions: { app: 'fleet-sim', node: process.version },
    cpuLoadPercent: Math.round(rnd() * 1000) / 10,
    cpuTemperatureC: 45 + Math.round(rnd() * 200) / 10,
    memoryUsedBytes: 1.5e9,
    memoryTotalBytes: 4e9,
    diskUsedBytes: 9e9,
    diskTotalBytes: 3.2e10,
    cameras: [
      { cameraId: 'door', state: 'running', lastError: null, decoder: 'avdec_h264', inputFps: 25, analysedFps: 10, droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: 40, width: 1280, height: 720 },
    ],
    outbox: { pendingItems: pending, pendingVisits: pending, pendingBytes: pending * 700, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false },
  };
  const iso = at.toISOString();
  return { key: `hb:${iso}`, kind: 'heartbeat', at: iso, payload };
}

export function batchBody(device: SimDevice, items: SyncItem[], batchId: string): string {
  return JSON.stringify({ deviceId: device.deviceId, siteId: device.siteId, batchId, items });
}
