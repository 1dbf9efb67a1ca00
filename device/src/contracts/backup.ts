import { z } from 'zod';
import { IsoTime } from './visit.js';

/**
 * Backup and restore: one archive (`.cvabackup`, a gzip'd tar) with the face library (identity document,
 * embeddings, crops), people, settings and visits (visits, visit events, per-person visit counters). Users,
 * tokens, the device id and the cloud claim are the box's own and are never in it.
 */
export const BACKUP_FORMAT = 'cva-backup';
export const BACKUP_VERSION = 1;
export const BACKUP_CONTENT_TYPE = 'application/vnd.cva.backup+gzip';
/** The largest archive a restore accepts (compressed). */
export const MAX_BACKUP_UPLOAD_BYTES = 2 * 1024 ** 3;

export const BackupCounts = z.object({
  staff: z.number().int().min(0),
  customers: z.number().int().min(0),
  samples: z.number().int().min(0),
  crops: z.number().int().min(0),
  visitDays: z.number().int().min(0),
  cameras: z.number().int().min(0),
});
export type BackupCounts = z.infer<typeof BackupCounts>;

/** `manifest.json`, the archive's first entry: every other entry is listed with its size and SHA-256. */
export const BackupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: IsoTime,
  deviceId: z.string(),
  appVersion: z.string(),
  counts: BackupCounts,
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).max(1_000_000),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/**
 * A restore: the upload is checked whole (format, manifest, every checksum, every document's schema) before
 * anything changes; then it is staged and applied by a restart of the appliance.
 */
export const RestoreState = z.enum(['checking', 'staged', 'restarting', 'failed']);
export const RestoreStatus = z.object({
  state: RestoreState.nullable().describe('null: no restore in progress'),
  /** 0..1 over the checking steps. */
  progress: z.number().min(0).max(1),
  step: z.string().nullable(),
  /** What the archive holds (once its manifest was read). */
  from: z.object({ deviceId: z.string(), createdAt: IsoTime, counts: BackupCounts }).nullable(),
  error: z.string().nullable(),
  /** When the restored data was applied at the last start (time and counts), if ever. */
  lastApplied: z.object({ at: IsoTime, fromDeviceId: z.string(), counts: BackupCounts }).nullable(),
});
export type RestoreStatus = z.infer<typeof RestoreStatus>;
