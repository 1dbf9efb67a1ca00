import { z } from 'zod';
import { VisitEvent } from './visit.js';
import { CameraStats } from './camera.js';
import { Counts, FaceEvent } from './live.js';
import { FootfallCounts, FootfallEvent } from './footfall.js';
import { IsoTime } from './visit.js';

/**
 * The MQTT topic contract: every topic the appliance publishes or answers, its payload schema,
 * whether it is retained and at which QoS. docs/mqtt.md describes the same table for humans.
 * Topics are relative to the base topic (settings.mqtt.baseTopic, default `cva`).
 */

/** `bridge/state`: retained; `offline` is also the upstream bridge's last will. */
export const BridgeState = z.object({ state: z.enum(['online', 'offline']) });
export type BridgeState = z.infer<typeof BridgeState>;

/** `bridge/info`: retained description of the appliance. */
export const BridgeInfo = z.object({
  version: z.string(),
  deviceId: z.string(),
  siteName: z.string(),
  baseTopic: z.string(),
  cameras: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean() })),
  startedAt: IsoTime,
});
export type BridgeInfo = z.infer<typeof BridgeInfo>;

/** `bridge/health`: published every interval; the broker part is ours, the rest comes from the health provider. */
export const BridgeHealth = z.looseObject({
  at: IsoTime,
  /** Seconds since the appliance (its MQTT publisher) started; the health provider may add system uptime. */
  appUptimeSeconds: z.number().min(0),
  mqtt: z.object({ clients: z.number().int().min(0) }),
});
export type BridgeHealth = z.infer<typeof BridgeHealth>;

/** The request envelope: any JSON object; `transaction` (optional) is echoed in the response. */
export const Transaction = z.union([z.string().max(256), z.number()]);
export type Transaction = z.infer<typeof Transaction>;

/** `bridge/response/<x>`: the answer to `bridge/request/<x>`. */
export const BridgeResponse = z.object({
  data: z.unknown(),
  status: z.enum(['ok', 'error']),
  error: z.string().optional(),
  transaction: Transaction.optional(),
});
export type BridgeResponse = z.infer<typeof BridgeResponse>;

/** Request names: one topic level, no wildcards. */
export const RequestName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'request name: lowercase letters, digits, - and _');

export type QoS = 0 | 1;

export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  /** Relative to the base topic; `+` marks the one variable level. */
  readonly pattern: string;
  readonly schema: S;
  readonly retained: boolean;
  readonly qos: QoS;
  readonly description: string;
}

const spec = <S extends z.ZodType>(s: TopicSpec<S>): TopicSpec<S> => s;

/** Every topic the appliance publishes, by name. */
export const topicContract = {
  bridgeState: spec({ pattern: 'bridge/state', schema: BridgeState, retained: true, qos: 1, description: 'online while the appliance runs; offline on a clean stop (and, upstream, as the last will)' }),
  bridgeInfo: spec({ pattern: 'bridge/info', schema: BridgeInfo, retained: true, qos: 1, description: 'version, device id, site, cameras, base topic' }),
  bridgeHealth: spec({ pattern: 'bridge/health', schema: BridgeHealth, retained: false, qos: 0, description: 'health figures every healthIntervalSeconds' }),
  cameraStatus: spec({ pattern: 'cameras/+/status', schema: CameraStats, retained: true, qos: 1, description: "a camera's state and stream figures" }),
  visits: spec({ pattern: 'visits', schema: VisitEvent, retained: false, qos: 1, description: 'visit events new|update|end with before/after' }),
  faces: spec({ pattern: 'faces', schema: FaceEvent, retained: false, qos: 0, description: 'live recognitions: person, kind, score, camera' }),
  counts: spec({ pattern: 'counts', schema: Counts, retained: true, qos: 1, description: 'people in the shop now and visits today' }),
  footfallCounts: spec({ pattern: 'counts/footfall', schema: FootfallCounts, retained: true, qos: 1, description: 'footfall: entries and exits today and this hour, occupancy now, capture rate, zones' }),
  footfall: spec({ pattern: 'footfall', schema: FootfallEvent, retained: false, qos: 1, description: 'each counted crossing of a line or zone: in|out, camera, door' }),
  bridgeResponse: spec({ pattern: 'bridge/response/+', schema: BridgeResponse, retained: false, qos: 1, description: 'answer to bridge/request/<x>' }),
} as const;
export type TopicName = keyof typeof topicContract;

/** Absolute topic names for a base topic. */
export function mqttTopics(base: string) {
  const t = (rel: string) => `${base}/${rel}`;
  return {
    base,
    all: t('#'),
    bridgeState: t('bridge/state'),
    bridgeInfo: t('bridge/info'),
    bridgeHealth: t('bridge/health'),
    cameraStatus: (cameraId: string) => t(`cameras/${cameraId}/status`),
    visits: t('visits'),
    faces: t('faces'),
    counts: t('counts'),
    footfallCounts: t('counts/footfall'),
    footfall: t('footfall'),
    request: (name: string) => t(`bridge/request/${name}`),
    response: (name: string) => t(`bridge/response/${name}`),
    requestWildcard: t('bridge/request/+'),
    requestPrefix: t('bridge/request/'),
  };
}
export type MqttTopics = ReturnType<typeof mqttTopics>;

export const ONLINE: BridgeState = { state: 'online' };
export const OFFLINE: BridgeState = { state: 'offline' };
