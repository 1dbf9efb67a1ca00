import type { CameraStats } from '../contracts/camera.js';
import type { VisitEvent } from '../contracts/visit.js';
import { footfallItemKey, visitItemKey, type Heartbeat, type SyncItem } from '../contracts/sync.js';
import type { FootfallHour } from '../contracts/footfall.js';

/** Turns a visit event into its outbox item: metadata only (the crop id never leaves the box). */
export function visitItem(e: VisitEvent): SyncItem {
  const { bestCropId: _crop, ...visit } = e.after;
  const payload = { type: e.type, at: e.at, visit };
  return { key: visitItemKey(payload), kind: 'visit', at: e.at, payload };
}

export function heartbeatItem(at: string, payload: Heartbeat): SyncItem {
  return { key: `hb:${at}`, kind: 'heartbeat', at, payload };
}

/** An hour's footfall so far, stamped at the end of the hour (or now, for the hour in progress). */
export function footfallItem(h: FootfallHour, now = Date.now()): SyncItem {
  const at = new Date(Math.min(now, Date.parse(h.hour) + 3_600_000)).toISOString();
  return { key: footfallItemKey(h), kind: 'footfall', at, payload: h };
}

export function cameraStatusItem(at: string, stats: CameraStats): SyncItem {
  return { key: `cam:${stats.cameraId}:${at}`, kind: 'cameraStatus', at, payload: stats };
}
