import { z } from 'zod';

/**
 * What the appliance knows about balena: its update lock and the supervisor's view of the device.
 * Shown in health, the page's System view and every heartbeat (cloud-sync stores it as sent).
 */

const Iso = z.iso.datetime({ offset: true });
/** Text fields travel in heartbeats: bounded, so a device cannot send megabytes in one. */
const Text = z.string().max(500);

/** `HH:MM`, 24-hour, in the site's timezone. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time: HH:MM (24-hour)');

/**
 * One opening-hours rule: on these weekdays (0 = Sunday … 6 = Saturday) the shop is open from
 * `open` to `close`; a `close` at or before `open` runs past midnight into the next day.
 */
export const OpeningHoursRule = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  open: ClockTime,
  close: ClockTime,
});
export type OpeningHoursRule = z.infer<typeof OpeningHoursRule>;

export const UpdateLockState = z.object({
  /** The lock file exists because this appliance created it (updates of the app wait). */
  held: z.boolean(),
  /** Why it is held: every operation or rule asking for it right now ("upload batch", "opening hours", …). */
  reasons: z.array(z.string().max(100)).max(32),
  heldSince: Iso.nullable(),
  /** When the maximum hold runs out and the lock is let go whatever asks for it. */
  releaseBy: Iso.nullable(),
  /** After a maximum hold the box lets updates through until then, even if something asks for the lock. */
  yieldingUntil: Iso.nullable(),
  maxHoldHours: z.number(),
  /** The `flock` that host OS update reboots respect: held with the file, or unavailable (no `flock` binary). */
  hostOsLock: z.enum(['held', 'free', 'unavailable']),
  /** Another process (the supervisor, about to update) holds the file: work goes on unlocked. */
  heldByOther: z.boolean(),
  path: Text,
});
export type UpdateLockState = z.infer<typeof UpdateLockState>;

/**
 * The balena supervisor's view, read through its HTTP API (`BALENA_SUPERVISOR_ADDRESS` and
 * `BALENA_SUPERVISOR_API_KEY`). Outside balena `available` is false and `reason` says why.
 */
export const BalenaStatus = z.object({
  available: z.boolean(),
  reason: Text.nullable(),
  deviceUuid: Text.nullable(),
  deviceName: Text.nullable(),
  deviceType: Text.nullable(),
  /** The release running: `BALENA_RELEASE_HASH`, else the supervisor's commit. */
  releaseHash: Text.nullable(),
  /** The supervisor's `/v1/device` status: Idle, Downloading, Installing, Stopping, Starting… */
  updateStatus: Text.nullable(),
  updatePending: z.boolean().nullable(),
  updateDownloaded: z.boolean().nullable(),
  updateFailed: z.boolean().nullable(),
  downloadProgress: z.number().nullable(),
  /** `/v2/state/status` appState: applying or applied. */
  appState: Text.nullable(),
  osVersion: Text.nullable(),
  supervisorVersion: Text.nullable(),
  /** Last successful read from the supervisor, and the last error (null when the last read worked). */
  checkedAt: Iso.nullable(),
  lastError: Text.nullable(),
});
export type BalenaStatus = z.infer<typeof BalenaStatus>;

/** GET /api/v1/system/balena: the lock and the supervisor's view together, for the page's System view. */
export const BalenaReport = z.object({ updateLock: UpdateLockState, balena: BalenaStatus });
export type BalenaReport = z.infer<typeof BalenaReport>;

export const BlinkAccepted = z.object({ blinking: z.literal(true), seconds: z.number(), at: Iso });
