import { z } from 'zod';
import { NewPassword } from './http.js';

/**
 * HQ's web page ↔ cloud-sync: sign-in, first run, people, sites and alerts. Validated by cloud-sync and
 * imported (as types) by the page `ui/hq/`. The device ↔ cloud protocol is `sync.ts`.
 */

export const HqRole = z.enum(['org_admin', 'analyst', 'regional_manager']);
export type HqRole = z.infer<typeof HqRole>;

const Email = z.string().trim().toLowerCase().email('a valid e-mail address').max(200);
const Name = z.string().trim().min(1).max(120);
/** Site ids as cloud-sync makes them (`site_…`). */
const Id = z.string().min(1).max(64);

export const SignInRequest = z.object({ email: z.string().trim().toLowerCase().min(1).max(200), password: z.string().min(1).max(256) });
export const FirstRunRequest = z.object({
  /** The one-time set-up code printed in cloud-sync's log. */
  setupCode: z.string().min(4).max(64),
  organisation: Name,
  email: Email,
  password: NewPassword,
});
export const AcceptInviteRequest = z.object({ code: z.string().min(10).max(200), password: NewPassword });

export const InviteRequest = z.object({
  email: Email,
  role: HqRole,
  /** A regional manager's sites; ignored for the other roles. */
  siteIds: z.array(Id).max(1000).default([]),
  /** Also make an API token (integrations); the page invites people without one. */
  apiToken: z.boolean().default(true),
});
export const UserUpdate = z.object({ role: HqRole.optional(), siteIds: z.array(Id).max(1000).optional() });

export const SiteCreate = z.object({ name: Name, timezone: z.string().min(1).max(64), region: z.string().trim().max(80).nullable().default(null) });
export const SiteUpdate = z
  .object({ name: Name.optional(), timezone: z.string().min(1).max(64).optional(), region: z.string().trim().max(80).nullable().optional() })
  .refine((x) => Object.keys(x).length > 0, 'nothing to change');

export const AlertKind = z.enum(['device_offline', 'camera_down', 'backlog_above', 'disk_above']);
export type AlertKind = z.infer<typeof AlertKind>;
/** What `threshold` means per kind: minutes, minutes, pending outbox items, percent of the data disk. */
export const ALERT_UNITS: Record<AlertKind, string> = {
  device_offline: 'minutes',
  camera_down: 'minutes',
  backlog_above: 'items',
  disk_above: '%',
};
const thresholdOk = (k: AlertKind, t: number) =>
  k === 'disk_above' ? t > 0 && t < 100 : k === 'backlog_above' ? Number.isInteger(t) && t >= 0 && t <= 10_000_000 : t >= 0.5 && t <= 7 * 24 * 60;
export const AlertRuleInput = z
  .object({ kind: AlertKind, threshold: z.number().finite(), enabled: z.boolean().default(true) })
  .refine((r) => thresholdOk(r.kind, r.threshold), {
    message: 'threshold: minutes 0.5–10080 (offline, camera down), a whole number of items (backlog), 1–99 % (disk)',
    path: ['threshold'],
  });
export const AlertRuleUpdate = z.object({ threshold: z.number().finite().optional(), enabled: z.boolean().optional() });
export const WebhookInput = z.object({ url: z.url({ protocol: /^https?$/ }).max(2000).nullable() });

/** What a webhook receiver gets (JSON body); signed in the `X-CVA-Signature: t=<unix s>,v1=<hex>` header. */
export const AlertWebhookBody = z.object({
  deliveryId: z.string(),
  event: z.enum(['alert.fired', 'alert.resolved']),
  organisationId: z.string(),
  alert: z.object({
    id: z.string(),
    ruleId: z.string(),
    kind: AlertKind,
    threshold: z.number(),
    unit: z.string(),
    siteId: z.string().nullable(),
    siteName: z.string().nullable(),
    deviceId: z.string().nullable(),
    deviceName: z.string().nullable(),
    cameraId: z.string().nullable(),
    message: z.string(),
    value: z.number().nullable(),
    firedAt: z.string(),
    resolvedAt: z.string().nullable(),
  }),
});
export type AlertWebhookBody = z.infer<typeof AlertWebhookBody>;

// ---- answers the page reads (cloud-sync builds them; the page imports the types) ------------------

export const SiteView = z.object({ id: z.string(), name: z.string(), timezone: z.string(), region: z.string().nullable() });
export type SiteView = z.infer<typeof SiteView>;

export const MeView = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string().nullable(),
  email: z.string(),
  role: HqRole,
  siteIds: z.array(z.string()),
});
export type MeView = z.infer<typeof MeView>;

export const FleetCamera = z.object({
  cameraId: z.string(),
  state: z.string(),
  /** When the camera entered this state. */
  at: z.string(),
  lastError: z.string().nullable(),
  /** Live figures from the newest heartbeat (status items are sent on state changes only). */
  analysedFps: z.number().nullable(),
  inputFps: z.number().nullable(),
});
export type FleetCamera = z.infer<typeof FleetCamera>;

export const FleetDevice = z.object({
  deviceId: z.string(),
  name: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  region: z.string().nullable(),
  timezone: z.string(),
  balenaUuid: z.string().nullable(),
  online: z.boolean(),
  revoked: z.boolean(),
  lastSeenAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  lastVisitAt: z.string().nullable(),
  versions: z.unknown(),
  cpuTemperatureC: z.number().nullable(),
  cpuLoadPercent: z.number().nullable(),
  diskPercent: z.number().nullable(),
  outbox: z.unknown(),
  backlog: z.number().nullable(),
  camerasUp: z.number(),
  camerasDown: z.number(),
  cameras: z.array(FleetCamera),
});
export type FleetDevice = z.infer<typeof FleetDevice>;

export const DeviceHistoryPoint = z.object({
  at: z.string(),
  cpuTemperatureC: z.number().nullable(),
  cpuLoadPercent: z.number().nullable(),
  backlog: z.number().nullable(),
  diskPercent: z.number().nullable(),
  analysedFps: z.record(z.string(), z.number().nullable()),
});
export const DeviceDetail = z.object({
  device: FleetDevice,
  history: z.object({ hours: z.number(), bucketSeconds: z.number(), points: z.array(DeviceHistoryPoint) }),
  recentVisits: z.array(
    z.object({
      visitId: z.string(),
      personId: z.string(),
      kind: z.string(),
      arrivedAt: z.string(),
      departedAt: z.string().nullable(),
      dwellSeconds: z.number(),
      status: z.string(),
      returning: z.boolean(),
    }),
  ),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const ClaimCodeView = z.object({
  code: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedByDevice: z.string().nullable(),
  usedByDeviceName: z.string().nullable(),
  revokedAt: z.string().nullable(),
  state: z.enum(['active', 'used', 'expired', 'revoked']),
});
export type ClaimCodeView = z.infer<typeof ClaimCodeView>;

export const PersonView = z.object({
  id: z.string(),
  email: z.string(),
  role: HqRole,
  siteIds: z.array(z.string()),
  status: z.enum(['active', 'invited', 'disabled']),
  hasApiToken: z.boolean(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
  inviteExpiresAt: z.string().nullable(),
});
export type PersonView = z.infer<typeof PersonView>;
export const InviteAnswer = z.object({
  id: z.string(),
  email: z.string(),
  role: HqRole,
  siteIds: z.array(z.string()),
  token: z.string().optional(),
  invite: z.object({ code: z.string(), expiresAt: z.string() }),
});
export type InviteAnswer = z.infer<typeof InviteAnswer>;

export const AlertRuleView = z.object({ id: z.string(), kind: AlertKind, threshold: z.number(), unit: z.string(), enabled: z.boolean(), createdAt: z.string() });
export type AlertRuleView = z.infer<typeof AlertRuleView>;
export const WebhookView = z.object({ url: z.string().nullable(), secret: z.string().nullable() });
export type WebhookView = z.infer<typeof WebhookView>;

export const AlertEventView = z.object({
  id: z.string(),
  ruleId: z.string(),
  kind: AlertKind,
  siteId: z.string().nullable(),
  siteName: z.string().nullable(),
  timezone: z.string().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  cameraId: z.string().nullable(),
  message: z.string(),
  firedAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** The latest webhook delivery: none (no webhook set), pending, delivered or failed. */
  delivery: z.object({ status: z.string(), attempts: z.number(), lastError: z.string().nullable(), deliveredAt: z.string().nullable() }).nullable(),
});
export type AlertEventView = z.infer<typeof AlertEventView>;
