import { z } from 'zod';
import { IsoTime, Visit, VisitEventType } from './visit.js';
import { CameraStats } from './camera.js';
import { BalenaStatus, UpdateLockState } from './balena.js';
import { FootfallHour } from './footfall.js';

/**
 * Device ↔ cloud-sync wire contract. Imported by BOTH the appliance (outbox, uploader) and the
 * service (ingest validation), so the two can never disagree about what a valid item is.
 */

export const MAX_BATCH_ITEMS = 1000;
/** Items stamped further in the future than this (device clock skew allowance) are rejected. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/**
 * Visits that arrived longer than this before the box was claimed are rejected: no box keeps visits
 * longer (settings.retention.visitDays is at most 3650 days), and each month of arrivals is a cloud
 * partition, so no device can create partitions without bound.
 */
export const MAX_VISIT_DAYS_BEFORE_CLAIM = 3650;

// ---- Claiming ---------------------------------------------------------------------------------

/** Claim codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
export const CLAIM_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ClaimCode = z
  .string()
  .transform((s) => s.trim().toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[A-HJKMNP-Z2-9]{8}$/, 'claim code: 8 letters/digits'));

export const Versions = z.object({
  app: z.string().max(64),
  node: z.string().max(64).optional(),
  os: z.string().max(128).optional(),
  models: z.record(z.string().max(64), z.string().max(128)).optional(),
});
export type Versions = z.infer<typeof Versions>;

export const ClaimRequest = z.object({
  claimCode: ClaimCode,
  /** A human label for the box, e.g. its hostname. */
  deviceName: z.string().min(1).max(120).default('appliance'),
  /** Set by balena (`BALENA_DEVICE_UUID`) when the box runs there. */
  balenaUuid: z.string().max(64).nullable().default(null),
  versions: Versions.optional(),
});
export type ClaimRequest = z.infer<typeof ClaimRequest>;
export type ClaimRequestInput = z.input<typeof ClaimRequest>;

export const ClaimResponse = z.object({
  deviceId: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  timezone: z.string(),
  /** Bearer token for /api/ingest; shown once, the service keeps only its hash. */
  token: z.string(),
});
export type ClaimResponse = z.infer<typeof ClaimResponse>;

// ---- Upload items -----------------------------------------------------------------------------

/**
 * A visit as it leaves the box: metadata only. `bestCropId` is dropped (a store-relative id is
 * meaningless off-box); no face image and no embedding is ever part of this contract.
 */
export const CloudVisit = Visit.omit({ bestCropId: true });
export type CloudVisit = z.infer<typeof CloudVisit>;

export const CloudVisitEvent = z.object({ type: VisitEventType, at: IsoTime, visit: CloudVisit });
export type CloudVisitEvent = z.infer<typeof CloudVisitEvent>;

export const OutboxBacklog = z.object({
  pendingItems: z.number().int().min(0),
  pendingVisits: z.number().int().min(0),
  pendingBytes: z.number().int().min(0),
  oldestPendingAt: IsoTime.nullable(),
  /** Heartbeats/camera statuses thinned away because the outbox was over its disk budget. */
  droppedStatusItems: z.number().int().min(0),
  /** True when visits alone exceed the disk budget (visits are kept anyway). */
  overBudget: z.boolean(),
});
export type OutboxBacklog = z.infer<typeof OutboxBacklog>;

export const SiteName = z.object({ name: z.string().min(1).max(120), nameChangedAt: IsoTime.nullable() });
export type SiteName = z.infer<typeof SiteName>;

export const Heartbeat = z.object({
  uptimeSeconds: z.number().min(0),
  versions: Versions,
  cpuLoadPercent: z.number().min(0).max(100).nullable(),
  cpuTemperatureC: z.number().min(-50).max(150).nullable(),
  memoryUsedBytes: z.number().min(0).nullable(),
  memoryTotalBytes: z.number().min(0).nullable(),
  diskUsedBytes: z.number().min(0).nullable(),
  diskTotalBytes: z.number().min(0).nullable(),
  cameras: z.array(CameraStats).max(64),
  outbox: OutboxBacklog,
  /** Optional so heartbeats of older releases stay valid. */
  updateLock: UpdateLockState.optional(),
  balena: BalenaStatus.optional(),
  /** Footfall today (absent from appliances older than footfall counting). */
  footfall: z
    .object({
      entriesToday: z.number().int().min(0),
      exitsToday: z.number().int().min(0),
      occupancyNow: z.number().int().min(0),
      captureRateToday: z.number().min(0).max(1).nullable(),
    })
    .optional(),
  /**
   * The site name as set on the box, and when it was last renamed there (null: never renamed on the box).
   * The cloud keeps the later of its own rename and this one; the answer's `site` brings HQ's back.
   */
  site: SiteName.optional(),
  /**
   * Staff display names, only when the box's owner chose to share them (setting `cloud.shareStaffNames`);
   * null or absent means "not shared" and the cloud forgets any names it had for the site.
   */
  staffNames: z.array(z.object({ personId: z.string().min(1).max(64), displayName: z.string().min(1).max(80) })).max(1000).nullable().optional(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

/** Idempotency key: unique per item on one device; a replay carries the same key. */
const ItemKey = z.string().min(1).max(200);

export const VisitItem = z.object({ key: ItemKey, kind: z.literal('visit'), at: IsoTime, payload: CloudVisitEvent });
export const HeartbeatItem = z.object({ key: ItemKey, kind: z.literal('heartbeat'), at: IsoTime, payload: Heartbeat });
export const CameraStatusItem = z.object({ key: ItemKey, kind: z.literal('cameraStatus'), at: IsoTime, payload: CameraStats });
/**
 * A person forgotten on the box (a customer's request, or retention): every visit of theirs, on the box
 * and in the cloud, now carries `tombstone` instead of the person id. Counts stay; the link to the person
 * is gone. The same tombstone for all their visits keeps unique-visitor counts true.
 */
export const Tombstone = z.string().regex(/^F-[0-9a-f]{12}$/, 'tombstone: F- and 12 hex digits');
export const PersonForgotten = z.object({ personId: z.string().min(1).max(64), tombstone: Tombstone });
export type PersonForgotten = z.infer<typeof PersonForgotten>;
export const ForgetItem = z.object({ key: ItemKey, kind: z.literal('forget'), at: IsoTime, payload: PersonForgotten });
/** One hour's footfall as counted so far: absolute figures, so the newest state of an hour wins (never a sum). */
export const FootfallItem = z.object({ key: ItemKey, kind: z.literal('footfall'), at: IsoTime, payload: FootfallHour });
export const SyncItem = z.discriminatedUnion('kind', [VisitItem, HeartbeatItem, CameraStatusItem, FootfallItem, ForgetItem]);
export type SyncItem = z.infer<typeof SyncItem>;
export type SyncItemKind = SyncItem['kind'];

/** Full batch, as the device builds it. */
export const UploadBatch = z.object({
  deviceId: z.string().min(1).max(64),
  siteId: z.string().min(1).max(64),
  batchId: z.string().min(1).max(100),
  items: z.array(SyncItem).min(1).max(MAX_BATCH_ITEMS),
});
export type UploadBatch = z.infer<typeof UploadBatch>;

/**
 * Envelope only: the service validates this first, then each item on its own, so one bad item is
 * reported per item instead of sinking its 999 valid neighbours.
 */
export const UploadEnvelope = UploadBatch.extend({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) });

/**
 * applied: the item changed the cloud state. duplicate: already known (a replay) or superseded by a
 * newer state of the same visit; nothing changed. rejected: invalid, see error; nothing changed.
 * The device acks every result (rejected items can never become valid by retrying).
 */
export const ItemStatus = z.enum(['applied', 'duplicate', 'rejected']);
export const ItemResult = z.object({
  index: z.number().int().min(0),
  key: z.string().nullable(),
  status: ItemStatus,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ItemResult = z.infer<typeof ItemResult>;

export const UploadResponse = z.object({
  batchId: z.string(),
  applied: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  results: z.array(ItemResult),
  /** The site as HQ knows it now (name and when it was last renamed anywhere, timezone): the box adopts a later rename. */
  site: z.object({ id: z.string(), name: z.string(), timezone: z.string(), nameChangedAt: IsoTime }).optional(),
});
export type UploadResponse = z.infer<typeof UploadResponse>;


/** Footfall hours are keyed by their figures: a re-send of the same state is a replay. */
export function footfallItemKey(h: FootfallHour): string {
  return `ff:${h.hour}:${h.entries}:${h.exits}:${h.captured}`;
}

/** Stable item keys: the same event always yields the same key, so a re-enqueue is a replay. */
export function visitItemKey(e: { type: string; visit: { id: string; lastSeenAt: string; status: string } }): string {
  return `v:${e.visit.id}:${e.type}:${e.visit.lastSeenAt}:${e.visit.status}`;
}
