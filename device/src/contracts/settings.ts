import { z } from 'zod';
import { OpeningHoursRule } from './balena.js';
import { CameraConfig } from './camera.js';

/**
 * Appliance settings: validated on load and on every change. `restartRequired` lists the dotted
 * paths whose change only takes effect after a restart (Zigbee2MQTT style); the rest apply live.
 */
export const RetentionSettings = z.object({
  /** Crops of faces that never became a person. */
  unknownCropDays: z.number().int().min(1).max(3650).default(3),
  /** Customers' best-face crops. */
  customerCropDays: z.number().int().min(1).max(3650).default(30),
  /** A customer unseen this long is forgotten (embeddings, crops, links). */
  customerUnseenDays: z.number().int().min(1).max(3650).default(90),
  /** Visit records (aggregates in the cloud are unaffected). */
  visitDays: z.number().int().min(1).max(3650).default(400),
});

export const RecognitionSettings = z.object({
  detectionThreshold: z.number().min(0.1).max(0.99).default(0.8),
  /**
   * Faces narrower than this (pixels, in the analysis frame) are counted but never decide identity.
   * The face engine keeps its own measured floor under every gate (vision/quality.ts: 36 px, sharpness 30;
   * docs/vision.md), so these two settings can make identity stricter, never looser than that floor.
   */
  minFaceSize: z.number().int().min(12).max(400).default(40),
  /** Laplacian-variance blur floor under which a face never decides identity (also judges enrolment photos). */
  minSharpness: z.number().min(0).max(10000).default(15),
  /** Tile large frames so distant faces are found. */
  tiling: z.boolean().default(false),
});

/** An IANA zone this runtime can compute with (what Intl accepts is what the visit timer and reports use). */
export function isKnownTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The one timezone schema: settings, set-up and the site route all validate with it. */
export const Timezone = z.string().min(1).max(64).refine(isKnownTimezone, { message: 'unknown IANA timezone' });

/** Cameras one box analyses at most (the libuv threadpool is sized for this many at start). */
export const MAX_CAMERAS = 16;

export const Settings = z.object({
  site: z
    .object({
      name: z.string().min(1).max(120).default('My shop'),
      timezone: Timezone.default('UTC'),
    })
    .prefault({}),
  visitGapMinutes: z.number().min(1).max(24 * 60).default(30),
  recognition: RecognitionSettings.prefault({}),
  retention: RetentionSettings.prefault({}),
  cameras: z.array(CameraConfig).max(MAX_CAMERAS).default([]),
  mqtt: z
    .object({
      port: z.number().int().min(0).max(65535).default(1883),
      baseTopic: z.string().regex(/^[A-Za-z0-9_\-/]{1,64}$/).default('cva'),
      healthIntervalSeconds: z.number().int().min(5).max(3600).default(60),
      homeAssistantDiscovery: z.boolean().default(false),
      maxClients: z.number().int().min(1).max(10000).default(100),
      maxPayloadBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
      tls: z.object({ cert: z.string(), key: z.string(), port: z.number().int().default(8883) }).nullable().default(null),
      bridge: z
        .object({ url: z.string().url(), username: z.string().optional(), password: z.string().optional(), topicPrefix: z.string().default('cva') })
        .nullable()
        .default(null),
    })
    .prefault({}),
  http: z
    .object({ port: z.number().int().min(0).max(65535).default(8080), host: z.string().default('0.0.0.0') })
    .prefault({}),
  /**
   * When balena may update the box. The update lock is held during opening hours (site timezone) when
   * `lockDuringOpeningHours` is true, or when it is null and the `CVA_OPENING_HOURS` device variable is
   * set; `openingHours` from the page win over that variable. Never longer than `maxHoldHours` at once.
   */
  updates: z
    .object({
      lockDuringOpeningHours: z.boolean().nullable().default(null),
      openingHours: z.array(OpeningHoursRule).max(14).default([]),
      maxHoldHours: z.number().min(1).max(72).default(24),
    })
    .prefault({}),
  cloud: z
    .object({
      /** Where cloud-sync runs; the claim code itself is kept apart (accounts' cloud-claim document). */
      url: z.string().url().nullable().default(null),
      /** Staff names stay on the box unless the owner turns this on: HQ's staff attendance then shows them. */
      shareStaffNames: z.boolean().default(false),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

/** Setting paths whose change needs a restart to take effect. */
// The broker (listeners, accounts' limits, topics, discovery, bridge) and the HTTP listener are built once at
// start; everything else (cameras, recognition, visits, retention, site) is read live.
export const restartRequired: readonly string[] = ['mqtt', 'http'];
/** Paths inside those trees that apply live after all (Home Assistant discovery is switched on and off live). */
export const appliedLive: readonly string[] = ['mqtt.homeAssistantDiscovery'];

/** Whether any of the top-level sections differs between two settings (compared by value). */
export function sectionChanged(prev: Settings, next: Settings, ...sections: (keyof Settings)[]): boolean {
  return sections.some((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
}

export function defaultSettings(): Settings {
  return Settings.parse({});
}
