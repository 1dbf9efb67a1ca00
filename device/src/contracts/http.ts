import { OutboxBacklog } from './sync.js';
import { BalenaStatus, UpdateLockState } from './balena.js';
import { z } from 'zod';
import { CameraChange, CameraConfig, CameraStats } from './camera.js';
import { Settings, Timezone } from './settings.js';
import { IsoTime, Visit } from './visit.js';
import { Box } from './live.js';
import { Role, UserRole } from './roles.js';
import { CommonErrorCode } from './errors.js';

/** Request and response bodies of the HTTP API (/api/v1). The OpenAPI document is generated from these. */

/** The appliance's error codes: the shared handler's plus the API's own. */
export const ErrorCode = z.enum([
  ...CommonErrorCode.options,
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'conflict',
  'rate_limited',
  'locked',
  'setup_required',
  'setup_done',
  'unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const Ok = z.object({ ok: z.literal(true) });

// ---- ids in paths -------------------------------------------------------------------------------
const safeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'id: letters, digits, ., _ and - only');
export const IdParams = z.object({ id: safeId });
/** Crop ids are the store's (`kind~owner~time~rand`): no slashes or dots, so never a path; the store checks the rest. */
export const CropParams = z.object({ cropId: z.string().regex(/^[A-Za-z0-9_~-]{1,128}$/, 'not a crop id') });
export const CameraIdParams = z.object({ id: CameraConfig.shape.id });

// ---- accounts and set-up --------------------------------------------------------------------------
const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'username: letters, digits, ., _ and -');
const password = z.string().min(10, 'password: at least 10 characters').max(256);

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  createdAt: IsoTime,
  lastLoginAt: IsoTime.nullable(),
  disabled: z.boolean(),
});
export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export const SessionView = z.object({ user: UserView, csrfToken: z.string() });
export const MeView = z.object({
  actor: z.object({ kind: z.enum(['user', 'token']), id: z.string(), name: z.string(), role: Role }),
  permissions: z.array(z.string()),
});
export const CreateUserRequest = z.object({ username, password, role: UserRole });
export const UpdateUserRequest = z
  .object({ role: UserRole.optional(), password: password.optional(), disabled: z.boolean().optional() })
  .strict();
export const UserList = z.object({ items: z.array(UserView) });

export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: IsoTime,
  createdBy: z.string(),
  lastUsedAt: IsoTime.nullable(),
});
export const CreateTokenRequest = z.object({ name: z.string().trim().min(1).max(80), role: Role });
export const CreatedToken = z.object({ token: z.string().describe('Shown once; only its hash is stored.'), info: TokenView });
export const TokenList = z.object({ items: z.array(TokenView) });

export { Timezone };
export const CloudClaimInput = z.object({
  url: z.url({ protocol: /^https?$/ }),
  claimCode: z.string().trim().min(4).max(128),
});
export const SetupStatus = z.object({
  needsSetup: z.boolean(),
  deviceId: z.string(),
  site: z.object({ name: z.string(), timezone: z.string() }),
  cloud: z.object({ url: z.string().nullable(), claimCodeSet: z.boolean() }),
});
export const SetupRequest = z.object({
  setupCode: z.string().min(1).max(64),
  admin: z.object({ username, password }),
  site: z.object({ name: z.string().trim().min(1).max(120), timezone: Timezone }),
  cloud: CloudClaimInput.optional(),
});
/** The appliance's link to cloud-sync (HQ): claim state, last upload, the last error and what waits in the outbox. */
export const CloudStatus = z.object({
  state: z.enum(['unconfigured', 'claiming', 'ready', 'uploading', 'offline', 'unauthorized', 'refused']),
  cloudUrl: z.string().nullable(),
  siteId: z.string().nullable(),
  lastUploadAt: IsoTime.nullable(),
  lastError: z.object({ kind: z.string(), message: z.string() }).nullable(),
  consecutiveFailures: z.number().int().min(0),
  backlog: OutboxBacklog,
});
export type CloudStatus = z.infer<typeof CloudStatus>;
export const SiteUpdate = z.object({ name: z.string().trim().min(1).max(120).optional(), timezone: Timezone.optional() }).strict();

// ---- settings --------------------------------------------------------------------------------------
/** A deep-partial of Settings: merged into the current settings, then the whole result is validated. */
export const SettingsPatch = z.record(z.string(), z.unknown()).describe('Deep-partial Settings; arrays replace.');
export const SettingsView = z.object({ settings: Settings });
export const SettingsUpdateView = z.object({
  settings: Settings,
  changed: z.array(z.string()).describe('Dotted paths whose value changed'),
  restartRequired: z.array(z.string()).describe('Changed paths that only take effect after a restart'),
});

// ---- cameras ---------------------------------------------------------------------------------------
export const CameraView = z.object({ config: CameraConfig, stats: CameraStats.nullable() });
export const CameraList = z.object({ items: z.array(CameraView) });
export const CameraUpdate = CameraChange;
export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  codec: z.string().nullable(),
  decoder: z.string().nullable(),
  error: z.string().nullable(),
});

// ---- people ----------------------------------------------------------------------------------------
export const SampleView = z.object({
  sampleId: z.string(),
  quality: z.number(),
  createdAt: IsoTime,
  cropId: z.string().nullable(),
});
export const StaffView = z.object({
  id: z.string(),
  name: z.string(),
  samples: z.number().int(),
  /** Whether a robust template exists yet (needs a few consistent photos). */
  hasTemplate: z.boolean(),
  createdAt: IsoTime,
  lastSeenAt: IsoTime.nullable(),
  /** A face crop of this person for a thumbnail (`/api/v1/crops/{cropId}`), null when none is kept. */
  photoCropId: z.string().nullable(),
});
export const StaffDetail = StaffView.extend({ sampleList: z.array(SampleView) });
export const StaffList = z.object({ items: z.array(StaffView) });
export const CreateStaffRequest = z.object({ name: z.string().trim().min(1).max(80) });
export const UpdateStaffRequest = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export const PhotoFeedback = z.object({
  /** The uploaded file's name (feedback only). */
  source: z.string(),
  verdict: z.enum(['accepted', 'unreadable', 'no-face', 'several-faces', 'too-small', 'blurry', 'outlier', 'other-person']),
  message: z.string(),
  sampleId: z.string().optional(),
  distance: z.number().optional(),
});
export const EnrolResult = z.object({
  staffId: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  samples: z.number().int(),
  photos: z.array(PhotoFeedback),
});
export const RecognitionFace = z.object({
  box: Box,
  personId: z.string().nullable(),
  kind: z.enum(['staff', 'customer', 'unknown']),
  name: z.string().nullable(),
  distance: z.number().nullable(),
  runnerUp: z.object({ personId: z.string(), distance: z.number() }).nullable(),
  verdict: z.enum(['match', 'uncertain', 'unknown']),
});
export const RecognitionResult = z.object({ faces: z.array(RecognitionFace) });

export const CustomerView = z.object({
  id: z.string(),
  /** Free text for staff use; customers are never named by the system. */
  note: z.string(),
  samples: z.number().int(),
  createdAt: IsoTime,
  lastSeenAt: IsoTime.nullable(),
  /** The best face crop kept of this customer (`/api/v1/crops/{cropId}`), null when none is kept. */
  photoCropId: z.string().nullable(),
  /** Visits counted so far (null when the visits module is not wired). */
  visits: z.number().int().nullable(),
});
export const CustomerDetail = CustomerView.extend({ sampleList: z.array(SampleView) });
export const CustomerQuery = z.object({
  cursor: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const CustomerPage = z.object({ items: z.array(CustomerView), nextCursor: z.string().nullable() });
export const MergeRequest = z.object({ from: z.array(safeId).min(1).max(50) });
export const MergeResult = z.object({ target: z.string(), merged: z.array(z.string()) });
export const SplitRequest = z.object({ sampleIds: z.array(safeId).min(1).max(100) });
export const UpdateCustomerRequest = z.object({ note: z.string().trim().max(500) }).strict();
export const Forgotten = z.object({ personId: z.string(), samples: z.number().int(), crops: z.number().int() });
/** What forgetting a person would remove and what stays, before anything is removed (for the confirmation). */
export const ForgetPreview = z.object({
  personId: z.string(),
  kind: z.enum(['staff', 'customer']),
  /** Face samples (embeddings) removed. */
  samples: z.number().int(),
  /** Face crops (JPEG) removed, including review items' and visits' crops of this person. */
  crops: z.number().int(),
  /** Visits recorded for this person: the visit rows stay (counts and reports keep them) but no longer lead to a face. */
  visits: z.number().int().nullable(),
  /** Plain sentences: what is removed, and what stays. */
  removes: z.array(z.string()),
  keeps: z.array(z.string()),
});

// ---- visits and reports -----------------------------------------------------------------------------
// The visit filters are the visits module's own schema (VisitFilterParams in device/src/visits/).
export const VisitPage = z.object({ items: z.array(Visit), nextCursor: z.string().nullable() });

export const ReportQuery = z.object({ from: IsoTime.optional(), to: IsoTime.optional() });
const Count = z.number().int().min(0);
export const LocalReport = z.object({
  from: IsoTime,
  to: IsoTime,
  timezone: z.string(),
  /** True when no visit at all falls in the range: every list below is then empty, nothing is invented. */
  empty: z.boolean(),
  /** Visits by what the box could say: identified = customer + staff; unidentified = real faces never identifiable. */
  visitors: z.object({ identified: Count, customer: Count, staff: Count, unidentified: Count }),
  customers: z.object({ visits: Count, uniqueCustomers: Count, newVisits: Count, returningVisits: Count }),
  staff: z.object({ visits: Count, uniqueStaff: Count, totalDwellSeconds: z.number() }),
  /** Customer arrivals by local hour (index 0–23). */
  byHour: z.array(Count),
  /** Customer arrivals by local weekday (0 = Monday … 6 = Sunday) × local hour (0–23). */
  byWeekdayHour: z.array(z.array(Count)),
  byDay: z.array(z.object({ date: z.string(), visits: Count, newVisits: Count, returningVisits: Count, uniqueCustomers: Count })),
  dwell: z.object({
    buckets: z.array(z.object({ label: z.string(), visits: Count })),
    medianSeconds: z.number().nullable(),
    meanSeconds: z.number().nullable(),
  }),
  demographics: z.object({
    ageBands: z.array(z.object({ band: z.string(), visits: Count })),
    ageUnknown: Count,
    gender: z.object({ male: Count, female: Count, unknown: Count }),
  }),
});
export type LocalReport = z.infer<typeof LocalReport>;

// ---- review queue -----------------------------------------------------------------------------------
export const ReviewItem = z.object({
  id: z.string(),
  createdAt: IsoTime,
  cameraId: z.string(),
  trackId: z.string(),
  cropId: z.string().nullable(),
  reason: z.enum(['grey-zone', 'small-margin']),
  candidates: z.array(
    z.object({ personId: z.string(), distance: z.number(), kind: z.enum(['staff', 'customer']).nullable(), name: z.string().nullable() }),
  ),
});
export const ReviewList = z.object({ items: z.array(ReviewItem) });
export const AssignRequest = z.object({ personId: safeId });
export const NotThisPersonRequest = z.object({ personId: safeId.optional() });
export const ReviewDone = z.object({ id: z.string(), personId: z.string().nullable() });

// ---- MQTT accounts ----------------------------------------------------------------------------------
/** Request bodies are the MQTT module's own schemas (MqttAccountCreate); this is the listing shape. */
export const MqttAccountView = z.object({
  username: z.string(),
  role: z.enum(['admin', 'integration']),
  canWrite: z.array(z.string()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export const MqttAccountList = z.object({ items: z.array(MqttAccountView) });
export const MqttUsernameParams = z.object({ username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/) });

// ---- audit, system, health -----------------------------------------------------------------------------
export const AuditQuery = z.object({
  cursor: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const AuditList = z.object({
  nextCursor: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      at: IsoTime,
      action: z.string(),
      actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
      target: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export const SystemInfo = z.object({
  version: z.string(),
  deviceId: z.string(),
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  startedAt: IsoTime,
  uptimeSeconds: z.number(),
  /** What the box listens on right now: differs from settings.http.port / mqtt.port when those were taken. */
  ports: z.object({ http: z.number().int().nullable(), mqtt: z.number().int().nullable() }),
});
export const RestartAccepted = z.object({ accepted: z.literal(true), at: IsoTime });

export const Liveness = z.object({ status: z.literal('ok'), time: IsoTime, uptimeSeconds: z.number() });
export const HealthReport = z.object({
  time: IsoTime,
  uptimeSeconds: z.number(),
  cpu: z.object({ loadPercent: z.number().nullable(), cores: z.number().int(), temperatureC: z.number().nullable() }),
  memory: z.object({ totalBytes: z.number(), usedBytes: z.number(), processRssBytes: z.number() }),
  disk: z.array(z.object({ mount: z.string(), sizeBytes: z.number(), usedBytes: z.number() })),
  network: z.array(z.object({ iface: z.string(), rxBytes: z.number(), txBytes: z.number() })),
  gpu: z.array(z.object({ model: z.string(), vendor: z.string(), utilizationPercent: z.number().nullable(), temperatureC: z.number().nullable() })),
  cameras: z.array(CameraStats),
  detectorMs: z.number().nullable().describe('Median face-detection time over recent frames'),
  /** Visits and statuses not yet acknowledged by cloud-sync (null when the health source has no outbox). */
  outbox: OutboxBacklog.nullable(),
  /** The data folder's free space: low pauses face crops, full refuses changes with 507 (null without a monitor). */
  storage: z
    .object({
      path: z.string(),
      state: z.enum(['ok', 'low', 'full']),
      freeBytes: z.number().nullable(),
      totalBytes: z.number().nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
  /** balena's update lock (held, why, until when) and the supervisor's view; null when the source has none. */
  updateLock: UpdateLockState.nullable().default(null),
  balena: BalenaStatus.nullable().default(null),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const LiveQuery = z.object({ fps: z.coerce.number().min(0.2).max(30).optional() });

/** The password rule of every account, on the appliance and in HQ (cloud-sync). */
export { password as NewPassword };
