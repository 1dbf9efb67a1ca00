import { z } from 'zod';
import { AnalysisMode, CountingLine, CountingZone } from './footfall.js';

/** 169.254.0.0/16 and fe80::/10: link-local (cloud metadata services, neighbours' auto-configured hosts). */
function isLinkLocalHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  return /^169\.254\.\d{1,3}\.\d{1,3}$/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host);
}

/**
 * What a camera URL may look like (where a file camera may read from is the appliance's policy:
 * device/src/camera/url-policy.ts): a known scheme, no control characters (CR/LF would break into the
 * GStreamer description or a request line), no link-local host.
 */
const cameraUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((u) => !/[\u0000-\u001f\u007f]/.test(u), { message: 'camera URL must not contain control characters' })
  .refine((u) => /^(rtsp|rtsps|http|https|file):\/\//i.test(u) || /^\/dev\/video\d+$/.test(u), {
    message: 'camera URL must be rtsp://, rtsps://, http(s):// (MJPEG), file:// or /dev/videoN',
  })
  .refine((u) => !isLinkLocalHost(u), { message: 'camera URL must not point at a link-local address (169.254.x.x, fe80::)' });

const uniqueIds = (xs: Array<{ id: string }>) => new Set(xs.map((x) => x.id)).size === xs.length;

/** A camera's fields as sent, without defaults: the shape a partial change (PATCH) is checked against. */
const cameraFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'id: lowercase letters, digits, - and _'),
  name: z.string().min(1).max(80),
  url: cameraUrl,
  enabled: z.boolean(),
  /** Frames per second handed to analysis; the rest are dropped inside GStreamer. */
  analysisFps: z.number().min(0.2).max(60),
  /** Analysis width in pixels; height follows the aspect ratio. Scaling happens inside GStreamer. */
  analysisWidth: z.number().int().min(160).max(3840),
  /** RTSP transport. */
  rtspTransport: z.enum(['tcp', 'udp']),
  /** Files only: start again at the end. */
  loop: z.boolean(),
  /** 'auto' picks the best decoder the platform has; a named element forces it. */
  decoder: z.string().max(64),
  /** What analysis runs on this camera: faces (identity), persons (footfall) or both (docs/footfall.md). */
  analyse: AnalysisMode,
  /** Directed counting lines (in/out) and zones (occupancy, dwell), in fractions of the frame. */
  lines: z.array(CountingLine).max(8).refine(uniqueIds, 'line ids must be unique within a camera'),
  zones: z.array(CountingZone).max(8).refine(uniqueIds, 'zone ids must be unique within a camera'),
};

export const CameraConfig = z.object({
  ...cameraFields,
  enabled: cameraFields.enabled.default(true),
  analysisFps: cameraFields.analysisFps.default(10),
  analysisWidth: cameraFields.analysisWidth.default(1280),
  rtspTransport: cameraFields.rtspTransport.default('tcp'),
  loop: cameraFields.loop.default(false),
  decoder: cameraFields.decoder.default('auto'),
  analyse: cameraFields.analyse.default('faces'),
  lines: cameraFields.lines.default([]),
  zones: cameraFields.zones.default([]),
});
/**
 * A change to a camera: only the fields given, no defaults (a default here would silently reset every
 * field left out: a rename would switch a disabled camera on).
 */
export const CameraChange = z.object(cameraFields).omit({ id: true }).partial().strict();
export type CameraConfig = z.infer<typeof CameraConfig>;
export type CameraConfigInput = z.input<typeof CameraConfig>;

export const CameraState = z.enum(['starting', 'running', 'reconnecting', 'stopped', 'error']);
export type CameraState = z.infer<typeof CameraState>;

export const CameraStats = z.object({
  cameraId: z.string(),
  state: CameraState,
  /** Human-readable reason for the last error or reconnect (bad URL, auth failed, unreachable…). */
  lastError: z.string().nullable(),
  decoder: z.string().nullable(),
  inputFps: z.number(),
  analysedFps: z.number(),
  droppedFrames: z.number().int(),
  decodeErrors: z.number().int(),
  reconnects: z.number().int(),
  lastFrameAgeMs: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type CameraStats = z.infer<typeof CameraStats>;
